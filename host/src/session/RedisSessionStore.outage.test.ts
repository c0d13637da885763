import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { isHostError } from '../errors.js';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { createCapturingLogger } from '../../../test/support/capturingLogger.js';
import { describeWithRedis, redisUrl } from '../../../test/support/services.js';
import { closeRedisClient, createRedisClient } from '../redis/createRedisClient.js';
import { RedisSessionStore } from './RedisSessionStore.js';
import { deleteKeysWithPrefix } from './testing/deleteKeysWithPrefix.js';
import { startTcpProxy, type TcpProxy } from './testing/startTcpProxy.js';

const keyPrefix = `toolhost:test:${randomUUID()}:outage:`;

async function unavailable(call: Promise<unknown>): Promise<string> {
  const error: unknown = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_SESSION_UNAVAILABLE');
  return (error as Error).message;
}

describeWithRedis('RedisSessionStore when Redis goes away', () => {
  let direct: Redis;
  let proxy: TcpProxy;
  let client: Redis;
  let store: RedisSessionStore;
  const key = (sessionId: string) => store.keyOf(sessionId);

  beforeAll(async () => {
    direct = await createRedisClient(redisUrl(), createCapturingLogger().logger);
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(direct, keyPrefix);
    await closeRedisClient(direct);
  });
  beforeEach(async () => {
    const { hostname, port } = new URL(redisUrl());
    proxy = await startTcpProxy({ host: hostname, port: Number(port || 6379) });
    client = await createRedisClient(
      `redis://127.0.0.1:${proxy.port}`,
      createCapturingLogger().logger,
    );
    store = new RedisSessionStore({ redis: client, ttlSeconds: 600, keyPrefix });
  });
  afterEach(async () => {
    await closeRedisClient(client);
    await proxy.stop();
  });

  async function takeRedisAway(): Promise<void> {
    const closed = once(client, 'close');
    await proxy.stop();
    await closed;
  }

  async function bringRedisBack(): Promise<void> {
    const ready = once(client, 'ready');
    await proxy.start();
    await ready;
  }

  it('every call rejects with SESSION_UNAVAILABLE while it is away, and works again with the data intact once it is back', async () => {
    await store.update('kept', { customerId: 'C-1', escalated: true, escalationTicketId: 'T-1' });
    await store.increment('kept', 'messageCount', 3);
    const before = await store.get('kept');
    const stored = await direct.hgetall(key('kept'));

    await takeRedisAway();
    const message = await unavailable(store.get('kept'));
    expect(message).toContain(`The session store is unavailable: redis at 127.0.0.1:${proxy.port}`);
    await unavailable(store.update('kept', { customerId: 'C-2', lastIntent: 'lost' }));
    await unavailable(store.increment('kept', 'messageCount'));
    await unavailable(store.set('kept', {}));
    await unavailable(store.delete('kept'));
    await unavailable(store.listActive());
    await unavailable(store.ping());
    await unavailable(store.update('new', { lastIntent: 'lost' }));
    expect(await direct.hgetall(key('kept'))).toEqual(stored);
    expect(await direct.exists(key('new'))).toBe(0);

    await bringRedisBack();
    expect(await store.get('kept')).toEqual(before);
    expect(await store.increment('kept', 'messageCount')).toMatchObject({
      messageCount: 4,
      customerId: 'C-1',
      escalated: true,
    });
    expect(await store.listActive()).toEqual(['kept']);
    await store.ping();
  });

  it('writes cut off before they reach Redis are rejected and leave nothing behind, even after it is back', async () => {
    await store.update('cut', { lastIntent: 'before' });
    const stored = await direct.hgetall(key('cut'));
    proxy.mode = 'dropRequests';
    const reached = proxy.nextDrop();
    const patch = store.update('cut', {
      lastIntent: 'after',
      escalated: true,
      escalationTicketId: 'T',
    });
    const count = store.increment('cut', 'messageCount');
    await reached;
    await takeRedisAway();
    await unavailable(patch);
    await unavailable(count);

    await bringRedisBack();
    await store.ping();
    expect(await direct.hgetall(key('cut'))).toEqual(stored);
  });

  it('a patch whose reply is lost was applied whole, never in part', async () => {
    await store.update('half', { lastIntent: 'before' });
    proxy.mode = 'dropReplies';
    const replied = proxy.nextDrop();
    const patch = store.update('half', {
      lastIntent: 'after',
      escalated: true,
      escalationTicketId: 'T-5',
      customerId: 'C-5',
    });
    await replied;
    await takeRedisAway();
    await unavailable(patch);

    await bringRedisBack();
    expect(await store.get('half')).toMatchObject({
      lastIntent: 'after',
      escalated: true,
      escalationTicketId: 'T-5',
      customerId: 'C-5',
    });
  });
});
