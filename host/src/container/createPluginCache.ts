import { ToolError, type CacheCapability } from '@toolhost/plugin-sdk';
import type { CacheBackend } from '../cache/CacheBackend.js';

/** The `cache` capability of one plugin: every key lives under the plugin's own prefix. */
export function createPluginCache(
  backend: CacheBackend,
  pluginName: string,
  granted: boolean,
): CacheCapability {
  const prefix = `toolhost:cache:${pluginName}:`;
  const guard = () => {
    if (!granted) {
      throw new ToolError(
        'permission_denied',
        `Plugin '${pluginName}' is not granted cache access`,
      );
    }
  };
  return {
    async get(key) {
      guard();
      const raw = await backend.get(prefix + key);
      return raw === undefined ? undefined : (JSON.parse(raw) as unknown);
    },
    async set(key, value, ttlSeconds) {
      guard();
      await backend.set(prefix + key, JSON.stringify(value), ttlSeconds);
    },
    async del(key) {
      guard();
      await backend.del(prefix + key);
    },
  };
}
