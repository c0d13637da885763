import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCapturingLogger } from '../../../test/support/capturingLogger.js';
import { describeWithRedis, redisUrl } from '../../../test/support/services.js';
import { isHostError } from '../errors.js';
import { closeRedisClient, createRedisClient } from '../redis/createRedisClient.js';
import { createSessionStore } from './createSessionStore.js';

describe('createSessionStore', () => {
  it('keeps sessions in memory unless USE_SHARED_CONTEXT is on', async () => {
    const store = createSessionStore({ useSharedContext: false, sessionTtlSeconds: 60 }, null);
    expect(store.kind).toBe('memory');
    expect(await store.increment('s', 'messageCount')).toMatchObject({ messageCount: 1 });
  });

  it('refuses shared context without the Redis client of REDIS_URL, with a coded error', () => {
    const error = (() => {
      try {
        return createSessionStore({ useSharedContext: true, sessionTtlSeconds: 60 }, null);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_SETTINGS_INVALID');
    expect((error as Error).message).toMatch(/USE_SHARED_CONTEXT.*true needs REDIS_URL/);
  });
});

describeWithRedis('createSessionStore with shared context', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = await createRedisClient(redisUrl(), createCapturingLogger().logger);
  });
  afterAll(() => closeRedisClient(redis));

  it('uses the Redis store on the client it is given, with the session TTL', async () => {
    const store = createSessionStore({ useSharedContext: true, sessionTtlSeconds: 120 }, redis);
    expect(store.kind).toBe('redis');
    const sessionId = `test-${randomUUID()}`;
    await store.increment(sessionId, 'messageCount');
    const ttl = await redis.ttl(`toolhost:session:ctx:${sessionId}`);
    expect(ttl > 115 && ttl <= 120).toBe(true);
    expect(await store.delete(sessionId)).toBe(true);
  });
});
