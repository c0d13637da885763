import type { CacheCapability } from '@toolhost/plugin-sdk';
import type { CacheBackend } from '../cache/CacheBackend.js';

/** The `cache` capability of one plugin: every key lives under the plugin's own prefix. */
export function createPluginCache(backend: CacheBackend, pluginName: string): CacheCapability {
  const prefix = `toolhost:cache:${pluginName}:`;
  return {
    async get(key) {
      const raw = await backend.get(prefix + key);
      return raw === undefined ? undefined : (JSON.parse(raw) as unknown);
    },
    async set(key, value, ttlSeconds) {
      await backend.set(prefix + key, JSON.stringify(value), ttlSeconds);
    },
    async del(key) {
      await backend.del(prefix + key);
    },
  };
}
