import type { CacheCapability } from '../PluginContext.js';

/** An in-memory CacheCapability with TTLs read from an injectable clock (milliseconds). */
export function createMemoryCache(now: () => number = Date.now): CacheCapability {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  return {
    async get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return JSON.parse(entry.value) as unknown;
    },
    async set(key, value, ttlSeconds) {
      const expiresAt =
        ttlSeconds === undefined ? Number.POSITIVE_INFINITY : now() + ttlSeconds * 1000;
      entries.set(key, { value: JSON.stringify(value), expiresAt });
    },
    async del(key) {
      entries.delete(key);
    },
  };
}
