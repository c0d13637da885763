import { LRUCache } from 'lru-cache';
import type { CacheBackend } from './CacheBackend.js';

/** The embedded cache: an LRU bounded in entries, with per-entry TTLs. */
export function createMemoryCacheBackend(maxEntries = 10_000): CacheBackend {
  const lru = new LRUCache<string, string>({ max: maxEntries, ttlAutopurge: false });
  return {
    kind: 'memory',
    async get(key) {
      return lru.get(key);
    },
    async set(key, value, ttlSeconds) {
      lru.set(key, value, ttlSeconds === undefined ? {} : { ttl: ttlSeconds * 1000 });
    },
    async del(key) {
      lru.delete(key);
    },
    async ping() {},
    async close() {
      lru.clear();
    },
  };
}
