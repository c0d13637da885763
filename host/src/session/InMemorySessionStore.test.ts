import { describe, expect, it } from 'vitest';
import { InMemorySessionStore } from './InMemorySessionStore.js';
import { describeSessionStoreContract } from './testing/sessionStoreContract.js';

describeSessionStoreContract('InMemorySessionStore', async () => {
  let now = Date.UTC(2030, 0, 1);
  const ttlSeconds = 600;
  const leaseMs = 30_000;
  const idempotencyTtlSeconds = 3_600;
  const store = new InMemorySessionStore({
    ttlSeconds,
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
    cleanup: () => store.close(),
  };
});

describe('InMemorySessionStore', () => {
  it('hands out copies: changing a returned context changes nothing stored', async () => {
    const store = new InMemorySessionStore({ ttlSeconds: 60 });
    const context = await store.update('s', { customerId: 'C-1' });
    context.customerId = 'mutated';
    context.messageCount = 99;
    expect(await store.get('s')).toMatchObject({ customerId: 'C-1', messageCount: 0 });
  });

  it('refuses a TTL that is not a positive number', () => {
    for (const ttlSeconds of [0, -1, Number.NaN, Infinity]) {
      expect(() => new InMemorySessionStore({ ttlSeconds })).toThrow(/positive number of seconds/);
    }
  });
});
