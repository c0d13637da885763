import { afterEach, describe, expect, it, vi } from 'vitest';
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

  describe('expiry by TTL', () => {
    afterEach(() => {
      vi.useRealTimers();
      vi.restoreAllMocks();
    });

    it('drops sessions past their TTL as others are written, keeping the live ones', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const store = new InMemorySessionStore({ ttlSeconds: 60 });
      for (let i = 0; i < 1000; i += 1) await store.update(`old-${i}`, { lastIntent: 'knowledge' });
      vi.advanceTimersByTime(30_000);
      for (let i = 0; i < 1000; i += 1) await store.update(`new-${i}`, { lastIntent: 'knowledge' });
      // Kept alive by a write: its first write is past the TTL, its last is not.
      await store.update('old-0', { lastIntent: 'account' });
      expect(store.size).toBe(2000);
      vi.advanceTimersByTime(30_001);
      await store.update('trigger', { lastIntent: 'knowledge' });
      expect(store.size).toBe(1002);
      expect(await store.get('old-1')).toBeNull();
      expect(await store.get('old-0')).toMatchObject({ lastIntent: 'account' });
      expect(await store.get('new-999')).not.toBeNull();
      vi.advanceTimersByTime(60_000);
      await store.update('trigger', { lastIntent: 'knowledge' });
      expect(store.size).toBe(1);
      expect(await store.listActive()).toEqual(['trigger']);
    });

    it('no write walks the sessions it holds, however many there are', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const store = new InMemorySessionStore({ ttlSeconds: 3600 });
      for (let i = 0; i < 20_000; i += 1) await store.update(`s-${i}`, { lastIntent: 'knowledge' });
      const walks = [
        vi.spyOn(Map.prototype, Symbol.iterator),
        vi.spyOn(Map.prototype, 'entries'),
        vi.spyOn(Map.prototype, 'keys'),
        vi.spyOn(Map.prototype, 'values'),
        vi.spyOn(Map.prototype, 'forEach'),
      ];
      for (let i = 0; i < 500; i += 1) {
        const sessionId = `s-${i % 50}`;
        const claim = { key: `k-${i}`, fingerprint: 'f', token: 't' };
        await store.beginTurn(sessionId, { owner: 'anonymous', idempotency: claim });
        await store.commitTurn(sessionId, {
          owner: 'anonymous',
          patch: { lastIntent: 'account' },
          failed: false,
          idempotency: { ...claim, answer: '{}' },
        });
      }
      for (const walk of walks) expect(walk).not.toHaveBeenCalled();
      expect(await store.get('s-49')).toMatchObject({ messageCount: 10, lastIntent: 'account' });
    });

    it('lists active sessions most recently written first, also after rewrites', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const store = new InMemorySessionStore({ ttlSeconds: 60 });
      for (const id of ['a', 'b', 'c']) {
        await store.update(id, { lastIntent: 'knowledge' });
        vi.advanceTimersByTime(1_000);
      }
      await store.update('a', { lastIntent: 'account' });
      expect(await store.listActive()).toEqual(['a', 'c', 'b']);
      expect(await store.listActive({ activeWithinSeconds: 1.5 })).toEqual(['a', 'c']);
    });
  });
});
