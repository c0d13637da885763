import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCapturingLogger } from '../../../test/support/capturingLogger.js';
import { describeWithRedis, redisUrl } from '../../../test/support/services.js';
import { closeRedisClient, createRedisClient } from '../redis/createRedisClient.js';
import { RedisSessionStore } from './RedisSessionStore.js';
import { deleteKeysWithPrefix } from './testing/deleteKeysWithPrefix.js';
import { describeSessionStoreContract } from './testing/sessionStoreContract.js';

const runPrefix = `toolhost:test:${randomUUID()}:`;

describeWithRedis('RedisSessionStore', () => {
  let redis: Redis;
  let other: Redis;
  beforeAll(async () => {
    const { logger } = createCapturingLogger();
    redis = await createRedisClient(redisUrl(), logger);
    other = await createRedisClient(redisUrl(), logger);
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, runPrefix);
    await closeRedisClient(other);
    await closeRedisClient(redis);
  });

  let stores = 0;
  describeSessionStoreContract('RedisSessionStore', async () => {
    let now = Date.UTC(2030, 0, 1);
    const ttlSeconds = 600;
    const keyPrefix = `${runPrefix}${(stores += 1)}:`;
    const leaseMs = 30_000;
    const idempotencyTtlSeconds = 3_600;
    const store = new RedisSessionStore({
      redis,
      ttlSeconds,
      keyPrefix,
      now: () => now,
      inFlightLeaseMs: leaseMs,
      idempotencyTtlSeconds,
    });
    return {
      store,
      ttlSeconds,
      leaseMs,
      idempotencyTtlSeconds,
      advance: (ms) => {
        now += ms;
      },
      serverTtl: {
        secondsLeft: (sessionId) => redis.ttl(store.keyOf(sessionId)),
        shorten: async (sessionId, seconds) => {
          await redis.expire(store.keyOf(sessionId), seconds);
        },
        recordMsLeft: (owner, key) => redis.pttl(store.recordKeyOf(owner, key)),
      },
      cleanup: () => deleteKeysWithPrefix(redis, keyPrefix),
    };
  });

  it('two clients (as two host processes) agree exactly on counters and flags under load', async () => {
    const keyPrefix = `${runPrefix}shared:`;
    const a = new RedisSessionStore({ redis, ttlSeconds: 60, keyPrefix });
    const b = new RedisSessionStore({ redis: other, ttlSeconds: 60, keyPrefix });
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i += 1) {
      const [mine, theirs] = i % 2 === 0 ? [a, b] : [b, a];
      calls.push(mine.increment('conv', 'messageCount'));
      calls.push(theirs.increment('conv', 'failureCount'));
      calls.push(
        mine.update('conv', i % 5 === 0 ? { escalated: true, escalationTicketId: `T-${i}` } : {}),
      );
    }
    await Promise.all(calls);
    const [seenByA, seenByB] = await Promise.all([a.get('conv'), b.get('conv')]);
    expect(seenByA).toEqual(seenByB);
    expect(seenByA).toMatchObject({ messageCount: 200, failureCount: 200, escalated: true });
    expect(seenByA?.escalationTicketId).toMatch(/^T-\d+$/);
  });

  it('stores one hash per session and one activity set, unambiguously encoded', async () => {
    const keyPrefix = `${runPrefix}layout:`;
    const now = Date.UTC(2030, 0, 1);
    const store = new RedisSessionStore({ redis, ttlSeconds: 60, keyPrefix, now: () => now });
    await store.update('active', { customerId: 'null', escalated: true, lastIntent: null });
    await store.increment('active', 'messageCount', 2);
    expect(await redis.hgetall(`${keyPrefix}ctx:active`)).toEqual({
      customerId: '"null"',
      escalated: 'true',
      lastIntent: 'null',
      messageCount: '2',
      createdAt: String(now),
      updatedAt: String(now),
    });
    expect(await redis.zrange(`${keyPrefix}active`, '0', '-1', 'WITHSCORES')).toEqual([
      'active',
      String(now),
    ]);
  });

  it("keeps a session's owner in its hash and each idempotency record in its own hash", async () => {
    const keyPrefix = `${runPrefix}owner-layout:`;
    const now = Date.UTC(2030, 0, 1);
    const store = new RedisSessionStore({ redis, ttlSeconds: 60, keyPrefix, now: () => now });
    const claim = { key: 'K-1', fingerprint: 'fp', token: 'tok' };
    await store.beginTurn('s', { owner: 'web', idempotency: claim });
    expect(await redis.hgetall(`${keyPrefix}ctx:s`)).toEqual({
      owner: 'web',
      createdAt: String(now),
      updatedAt: String(now),
    });
    expect(await redis.hgetall(`${keyPrefix}idem:web:K-1`)).toEqual({
      state: 'in_flight',
      fingerprint: 'fp',
      token: 'tok',
    });
    await store.commitTurn('s', {
      owner: 'web',
      patch: { lastIntent: 'knowledge' },
      failed: false,
      idempotency: { ...claim, answer: '{"reply":"x"}' },
    });
    expect(await redis.hgetall(`${keyPrefix}idem:web:K-1`)).toEqual({
      state: 'done',
      fingerprint: 'fp',
      answer: '{"reply":"x"}',
    });
    expect(await redis.hgetall(`${keyPrefix}ctx:s`)).toMatchObject({
      owner: 'web',
      messageCount: '1',
      lastIntent: '"knowledge"',
    });
  });

  it('a counter it cannot increment fails the call and writes nothing', async () => {
    const keyPrefix = `${runPrefix}corrupt:`;
    let now = 1_000;
    const store = new RedisSessionStore({ redis, ttlSeconds: 60, keyPrefix, now: () => now });
    await store.update('s', { lastIntent: 'x' });
    await redis.hset(store.keyOf('s'), 'messageCount', 'oops');
    const before = await redis.hgetall(store.keyOf('s'));
    now = 2_000;
    await expect(store.increment('s', 'messageCount')).rejects.toThrow(/not an integer/);
    expect(await redis.hgetall(store.keyOf('s'))).toEqual(before);
    expect(await redis.zscore(`${keyPrefix}active`, 's')).toBe('1000');
    await expect(store.get('s')).rejects.toThrow(
      "Session 's' in Redis holds an invalid messageCount",
    );
  });
});
