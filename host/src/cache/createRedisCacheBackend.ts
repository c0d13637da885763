import type { Redis } from 'ioredis';
import type { CacheBackend } from './CacheBackend.js';

/** The shared cache: plain Redis strings with `EX` TTLs. */
export function createRedisCacheBackend(redis: Redis): CacheBackend {
  return {
    kind: 'redis',
    async get(key) {
      return (await redis.get(key)) ?? undefined;
    },
    async set(key, value, ttlSeconds) {
      if (ttlSeconds === undefined) await redis.set(key, value);
      else await redis.set(key, value, 'EX', Math.max(1, Math.ceil(ttlSeconds)));
    },
    async del(key) {
      await redis.del(key);
    },
    async ping() {
      await redis.ping();
    },
    async close() {},
  };
}
