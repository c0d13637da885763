import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionContext, SessionPatch, SessionStore } from '../SessionStore.js';
import type { IdempotencyClaim, TurnEnd } from '../SessionTurn.js';

/** One store under test, on an injected clock, with nothing in it yet. */
export interface SessionStoreHarness {
  store: SessionStore;
  ttlSeconds: number;
  /** Moves the store's injected clock forward. */
  advance(ms: number): void;
  /**
   * Present when the backend keeps its own time for expiry (Redis), which a test cannot move:
   * the suite then reads and shortens the backend's TTL instead of advancing the clock.
   */
  serverTtl?: {
    secondsLeft(sessionId: string): Promise<number>;
    shorten(sessionId: string, seconds: number): Promise<void>;
    /** Milliseconds before an owner's idempotency record expires (-2 when there is none). */
    recordMsLeft(owner: string, key: string): Promise<number>;
  };
  /** The store's in-flight lease and idempotency TTL, as the harness configured them. */
  leaseMs: number;
  idempotencyTtlSeconds: number;
  cleanup(): Promise<void>;
}

const BAD_IDS = [
  '',
  'x'.repeat(129),
  'has space',
  'a/b',
  'ümlaut',
  'line\nbreak',
  'star*',
  '{tag}',
];

/** The behaviour every SessionStore shares; both the in-memory and the Redis store run it. */
export function describeSessionStoreContract(
  name: string,
  makeStore: () => Promise<SessionStoreHarness>,
): void {
  describe(`${name} (SessionStore contract)`, () => {
    let h: SessionStoreHarness;
    let store: SessionStore;
    beforeEach(async () => {
      h = await makeStore();
      store = h.store;
    });
    afterEach(() => h.cleanup());

    it('has no session for an id never written', async () => {
      expect(await store.get('never')).toBeNull();
      expect(await store.delete('never')).toBe(false);
      expect(await store.listActive()).toEqual([]);
    });

    it('update creates a session from the defaults and returns what get returns', async () => {
      const created = await store.update('s-1', { customerId: 'C-7', lastIntent: 'billing' });
      expect(created).toEqual({
        sessionId: 's-1',
        messageCount: 0,
        failureCount: 0,
        escalated: false,
        escalationTicketId: null,
        customerId: 'C-7',
        lastIntent: 'billing',
        createdAt: created.createdAt,
        updatedAt: created.createdAt,
      });
      expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);
      expect(await store.get('s-1')).toEqual(created);
    });

    it('update overwrites only the fields it names and can set them back to null', async () => {
      await store.update('s', { customerId: 'C-1', lastIntent: 'refund', failureCount: 4 });
      await store.update('s', { escalated: true, escalationTicketId: 'T-1' });
      const after = await store.update('s', { lastIntent: null, failureCount: 0 });
      expect(after).toMatchObject({
        customerId: 'C-1',
        escalated: true,
        escalationTicketId: 'T-1',
        lastIntent: null,
        failureCount: 0,
      });
      expect(await store.get('s')).toEqual(after);
    });

    it('keeps strings that look like other types apart from them', async () => {
      const tricky: SessionPatch = {
        customerId: 'null',
        lastIntent: 'true',
        escalationTicketId: '',
      };
      expect(await store.update('s', tricky)).toMatchObject(tricky);
      expect(await store.get('s')).toMatchObject(tricky);
      const odd = { customerId: '"quoted" \\ ünïcødé 🙂', lastIntent: '42' };
      await store.update('s', odd);
      expect(await store.get('s')).toMatchObject({ ...odd, escalated: false });
    });

    it('set replaces the whole context: unnamed fields go back to their defaults', async () => {
      await store.update('s', { customerId: 'C-1', escalated: true, escalationTicketId: 'T-9' });
      await store.increment('s', 'messageCount', 5);
      h.advance(2_000);
      const replaced = await store.set('s', { lastIntent: 'greeting', messageCount: 2 });
      expect(replaced).toMatchObject({
        messageCount: 2,
        failureCount: 0,
        escalated: false,
        escalationTicketId: null,
        customerId: null,
        lastIntent: 'greeting',
      });
      expect(replaced.createdAt).toBe(replaced.updatedAt);
      expect(await store.get('s')).toEqual(replaced);
      expect(await store.set('fresh', {})).toMatchObject({ messageCount: 0, escalated: false });
    });

    it('increment creates the session, adds to one counter and returns the result', async () => {
      expect(await store.increment('s', 'messageCount')).toMatchObject({
        messageCount: 1,
        failureCount: 0,
      });
      expect(await store.increment('s', 'failureCount', 3)).toMatchObject({
        messageCount: 1,
        failureCount: 3,
      });
      expect(await store.increment('s', 'messageCount', 0)).toMatchObject({ messageCount: 1 });
      await store.update('s', { failureCount: 0 });
      expect(await store.increment('s', 'failureCount')).toMatchObject({ failureCount: 1 });
      expect(await store.get('s')).toMatchObject({ messageCount: 1, failureCount: 1 });
    });

    it('every write moves updatedAt to now and keeps createdAt; reads change neither', async () => {
      const created = await store.increment('s', 'messageCount');
      h.advance(1_500);
      expect(await store.get('s')).toEqual(created);
      const incremented = await store.increment('s', 'messageCount');
      h.advance(2_000);
      const patched = await store.update('s', {});
      const ms = (iso: string) => Date.parse(iso);
      expect(ms(incremented.updatedAt) - ms(created.updatedAt)).toBe(1_500);
      expect(ms(patched.updatedAt) - ms(created.updatedAt)).toBe(3_500);
      expect(patched.createdAt).toBe(created.createdAt);
      expect(patched.messageCount).toBe(2);
    });

    it('delete removes a session once; later writes start from the defaults', async () => {
      await store.update('s', { customerId: 'C-1' });
      await store.increment('s', 'messageCount', 9);
      expect(await store.delete('s')).toBe(true);
      expect(await store.delete('s')).toBe(false);
      expect(await store.get('s')).toBeNull();
      expect(await store.listActive()).toEqual([]);
      expect(await store.increment('s', 'messageCount')).toMatchObject({
        messageCount: 1,
        customerId: null,
      });
    });

    it('listActive lists live sessions, most recently written first, within a window and a limit', async () => {
      const ttlMs = h.ttlSeconds * 1000;
      await store.update('a', {}); // t = 0
      h.advance(10_000);
      await store.update('b', { lastIntent: 'x' }); // t = 10 s
      h.advance(10_000);
      await store.increment('c', 'messageCount'); // t = 20 s
      await store.get('b');
      expect(await store.listActive()).toEqual(['c', 'b', 'a']);
      expect(await store.listActive({ limit: 2 })).toEqual(['c', 'b']);
      expect(await store.listActive({ limit: 0 })).toEqual([]);
      expect(await store.listActive({ activeWithinSeconds: 15 })).toEqual(['c', 'b']);
      expect(await store.listActive({ activeWithinSeconds: 5 })).toEqual(['c']);
      h.advance(1_000);
      await store.update('a', { lastIntent: 'again' }); // t = 21 s
      expect(await store.listActive()).toEqual(['a', 'c', 'b']);
      await store.delete('c');
      expect(await store.listActive()).toEqual(['a', 'b']);
      h.advance(ttlMs - 11_000); // t = 10 s + TTL: b has been idle for the TTL
      expect(await store.listActive()).toEqual(['a']);
      h.advance(11_000);
      expect(await store.listActive()).toEqual([]);
    });

    it('a session left unwritten for the TTL is gone; writes restart the TTL, reads do not', async (ctx) => {
      if (h.serverTtl) ctx.skip('this backend keeps its own time; see the TTL-command test');
      const ttlMs = h.ttlSeconds * 1000;
      await store.update('s', { lastIntent: 'x' });
      h.advance(ttlMs - 1_000);
      await store.increment('s', 'messageCount');
      h.advance(ttlMs - 1_000);
      await store.update('s', { customerId: 'C' });
      h.advance(ttlMs - 1_000);
      expect(await store.get('s')).toMatchObject({ messageCount: 1, customerId: 'C' });
      expect(await store.listActive()).toEqual(['s']);
      h.advance(1_000);
      expect(await store.get('s')).toBeNull();
      expect(await store.listActive()).toEqual([]);
      expect(await store.delete('s')).toBe(false);
      const fresh = await store.increment('s', 'failureCount');
      expect(fresh).toMatchObject({ messageCount: 0, failureCount: 1, lastIntent: null });
      expect(fresh.createdAt).toBe(fresh.updatedAt);
    });

    it("every write sets the backend's TTL, reads do not", async (ctx) => {
      const ttl = h.serverTtl;
      if (!ttl) return ctx.skip('this backend expires by the injected clock; see the clock test');
      const full = (left: number) => left > h.ttlSeconds - 5 && left <= h.ttlSeconds;
      await store.update('s', {});
      expect(full(await ttl.secondsLeft('s'))).toBe(true);
      const writes = [
        () => store.update('s', { lastIntent: 'y' }),
        () => store.increment('s', 'messageCount'),
        () => store.increment('s', 'failureCount', 2),
        () => store.set('s', { customerId: 'C' }),
      ];
      for (const write of writes) {
        await ttl.shorten('s', 5);
        await write();
        expect(full(await ttl.secondsLeft('s'))).toBe(true);
      }
      await ttl.shorten('s', 100);
      await store.get('s');
      await store.listActive();
      expect(await ttl.secondsLeft('s')).toBeLessThanOrEqual(100);
    });

    it('500 parallel increments count exactly 500, each seeing its own result', async () => {
      const results = await Promise.all(
        Array.from({ length: 500 }, () => store.increment('hot', 'messageCount')),
      );
      expect(new Set(results.map((r) => r.messageCount)).size).toBe(500);
      expect(Math.max(...results.map((r) => r.messageCount))).toBe(500);
      expect(await store.get('hot')).toMatchObject({ messageCount: 500, failureCount: 0 });
    });

    it('parallel patches never split a patch, lose a field or change a type', async () => {
      const patchOf = (i: number): SessionPatch =>
        i % 2 === 0
          ? { escalated: true, escalationTicketId: `T-${i}`, lastIntent: `intent-${i}` }
          : { escalated: false, escalationTicketId: null, customerId: `C-${i}` };
      const consistent = (c: SessionContext | null) => {
        expect(c).not.toBeNull();
        if (!c) return;
        expect(typeof c.escalated).toBe('boolean');
        expect(c.escalated).toBe(c.escalationTicketId !== null);
        expect(Number.isSafeInteger(c.messageCount) && Number.isSafeInteger(c.failureCount)).toBe(
          true,
        );
      };
      await store.update('p', patchOf(0));
      const calls = Array.from({ length: 300 }, (_, i) =>
        i % 3 === 2
          ? store.get('p')
          : store.update('p', patchOf(i), i % 4 === 0 ? { atomic: false } : { atomic: true }),
      );
      const results = await Promise.all(calls);
      results.forEach((result, i) => {
        consistent(result);
        if (i % 3 !== 2) expect(result).toMatchObject(patchOf(i));
      });
      const last = await store.get('p');
      consistent(last);
      expect(last?.lastIntent).toMatch(/^intent-\d+$/);
      expect(last?.customerId).toMatch(/^C-\d+$/);
    });

    it('interleaved increments and patches keep every count and every field', async () => {
      const calls: Promise<SessionContext>[] = [];
      for (let i = 0; i < 150; i += 1) {
        calls.push(store.increment('mix', 'messageCount'));
        calls.push(store.update('mix', { lastIntent: `i-${i}`, customerId: `C-${i}` }));
        calls.push(store.increment('mix', 'messageCount'));
        calls.push(store.increment('mix', 'failureCount', 2));
      }
      await Promise.all(calls);
      const final = await store.get('mix');
      expect(final).toMatchObject({ messageCount: 300, failureCount: 300, escalated: false });
      expect(final?.lastIntent).toMatch(/^i-\d+$/);
      expect(final?.customerId).toMatch(/^C-\d+$/);
    });

    it('accepts every id character and 128-character ids', async () => {
      const ids = ['A.b_c:d-9', 'x'.repeat(128), 'active', 'ctx:active'];
      for (const id of ids) await store.increment(id, 'messageCount');
      for (const id of ids) expect(await store.get(id)).toMatchObject({ sessionId: id });
      expect((await store.listActive()).sort()).toEqual([...ids].sort());
    });

    it('refuses invalid session ids with a TypeError naming the rule, writing nothing', async () => {
      for (const id of BAD_IDS) {
        const calls = [
          () => store.get(id),
          () => store.set(id, {}),
          () => store.update(id, { lastIntent: 'x' }),
          () => store.increment(id, 'messageCount'),
          () => store.delete(id),
        ];
        for (const call of calls) {
          await expect(call()).rejects.toThrow(TypeError);
          await expect(call()).rejects.toThrow(/1–128 characters of A–Z, a–z, 0–9/);
        }
      }
      await expect(store.get(42 as unknown as string)).rejects.toThrow(TypeError);
      expect(await store.listActive()).toEqual([]);
    });

    it('refuses unknown fields and wrongly typed values, writing nothing', async () => {
      const bad: [string, () => Promise<unknown>][] = [
        ['escalated', () => store.update('s', { escalated: 'yes' as unknown as boolean })],
        ['customerId', () => store.update('s', { customerId: 5 as unknown as string })],
        ['failureCount', () => store.update('s', { failureCount: -1 })],
        ['failureCount', () => store.update('s', { failureCount: 1.5 })],
        ['messageCount', () => store.update('s', { messageCount: 3 } as SessionPatch)],
        ['sessionId', () => store.set('s', { sessionId: 'other' } as SessionPatch)],
        ['messageCount', () => store.set('s', { messageCount: Number.NaN })],
        ['escalated', () => store.increment('s', 'escalated' as 'messageCount')],
        ['-1', () => store.increment('s', 'messageCount', -1)],
        ['0.5', () => store.increment('s', 'messageCount', 0.5)],
        ['limit', () => store.listActive({ limit: -1 })],
        ['activeWithinSeconds', () => store.listActive({ activeWithinSeconds: 0 })],
      ];
      for (const [named, call] of bad) {
        const error: unknown = await call().then(
          () => null,
          (e: unknown) => e,
        );
        expect(error, named).toBeInstanceOf(TypeError);
        expect((error as Error).message, named).toContain(named);
      }
      expect(await store.get('s')).toBeNull();
    });
  });

  describe(`${name} (SessionStore contract: owners and turns)`, () => {
    let h: SessionStoreHarness;
    let store: SessionStore;
    beforeEach(async () => {
      h = await makeStore();
      store = h.store;
    });
    afterEach(() => h.cleanup());

    const claimOf = (key: string, fingerprint = 'fp-1', token = `t-${key}`): IdempotencyClaim => ({
      key,
      fingerprint,
      token,
    });
    const end = (
      owner: string,
      patch: SessionPatch = {},
      more: Partial<TurnEnd> = {},
    ): TurnEnd => ({
      owner,
      patch,
      failed: false,
      idempotency: null,
      ...more,
    });
    const started = async (
      sessionId: string,
      owner: string,
      claim: IdempotencyClaim | null = null,
    ) => {
      const begun = await store.beginTurn(sessionId, { owner, idempotency: claim });
      expect(begun.status).toBe('started');
      return begun;
    };

    it('beginTurn claims the session for its owner and counts nothing; commitTurn counts once', async () => {
      const begun = await started('s', 'web');
      expect(begun).toMatchObject({
        status: 'started',
        session: { sessionId: 's', messageCount: 0 },
      });
      expect(await store.readOwned('s', 'web')).toMatchObject({ messageCount: 0 });
      h.advance(1_000);
      const committed = await store.commitTurn('s', end('web', { lastIntent: 'knowledge' }));
      expect(committed).toMatchObject({
        messageCount: 1,
        failureCount: 0,
        lastIntent: 'knowledge',
      });
      expect(await store.get('s')).toEqual(committed);
      const failed = await store.commitTurn('s', end('web', {}, { failed: true }));
      expect(failed).toMatchObject({ messageCount: 2, failureCount: 1, lastIntent: 'knowledge' });
      const reset = await store.commitTurn(
        's',
        end('web', { failureCount: 0, escalated: true, escalationTicketId: 'T-1' }),
      );
      expect(reset).toMatchObject({ messageCount: 3, failureCount: 0, escalated: true });
    });

    it('another owner can neither read, claim, begin nor commit a session, and writes nothing', async () => {
      await started('s', 'web');
      const before = await store.get('s');
      h.advance(1_000);
      expect(await store.readOwned('s', 'other')).toBeNull();
      expect(await store.claim('s', 'other')).toBe(false);
      expect(await store.beginTurn('s', { owner: 'other', idempotency: claimOf('k') })).toEqual({
        status: 'not_owner',
      });
      expect(
        await store.commitTurn('s', end('other', { lastIntent: 'x' }, { failed: true })),
      ).toBeNull();
      expect(await store.get('s')).toEqual(before);
      // Its key was not taken either: the owner's own record under that key is free.
      expect(
        (await store.beginTurn('t', { owner: 'other', idempotency: claimOf('k') })).status,
      ).toBe('started');
    });

    it("a missing session and another owner's look alike to readOwned", async () => {
      await started('mine', 'web');
      expect(await store.readOwned('never', 'other')).toBeNull();
      expect(await store.readOwned('mine', 'other')).toBeNull();
      expect(await store.readOwned('mine', 'web')).not.toBeNull();
    });

    it('sessions written without an owner belong to the anonymous owner', async () => {
      await store.update('legacy', { lastIntent: 'x' });
      expect(await store.readOwned('legacy', 'anonymous')).toMatchObject({ lastIntent: 'x' });
      expect(await store.readOwned('legacy', 'web')).toBeNull();
      expect(await store.claim('legacy', 'web')).toBe(false);
      expect((await store.beginTurn('legacy', { owner: 'web', idempotency: null })).status).toBe(
        'not_owner',
      );
      expect(
        (await store.beginTurn('legacy', { owner: 'anonymous', idempotency: null })).status,
      ).toBe('started');
    });

    it('claim creates the session for its owner, touches it again, and set keeps the owner', async () => {
      expect(await store.claim('c', 'agent')).toBe(true);
      expect(await store.readOwned('c', 'agent')).toMatchObject({ messageCount: 0 });
      h.advance(1_000);
      expect(await store.claim('c', 'agent')).toBe(true);
      await store.set('c', { lastIntent: 'replaced' });
      expect(await store.readOwned('c', 'agent')).toMatchObject({ lastIntent: 'replaced' });
      expect(await store.claim('c', 'web')).toBe(false);
    });

    it('a completed key returns its stored answer and counts nothing more', async () => {
      const claim = claimOf('idem-1');
      await started('s', 'web', claim);
      await store.commitTurn(
        's',
        end('web', {}, { idempotency: { ...claim, answer: '{"reply":"hi"}' } }),
      );
      const retry = await store.beginTurn('s', {
        owner: 'web',
        idempotency: claimOf('idem-1', 'fp-1', 'other-token'),
      });
      expect(retry).toEqual({ status: 'completed', answer: '{"reply":"hi"}' });
      expect(await store.get('s')).toMatchObject({ messageCount: 1 });
    });

    it('a key in flight refuses a second attempt; the same key for another message is refused', async () => {
      await started('s', 'web', claimOf('idem-2'));
      expect(
        await store.beginTurn('s', { owner: 'web', idempotency: claimOf('idem-2', 'fp-1', 'x') }),
      ).toEqual({
        status: 'in_flight',
      });
      expect(
        await store.beginTurn('s', { owner: 'web', idempotency: claimOf('idem-2', 'fp-2', 'x') }),
      ).toEqual({
        status: 'key_reused',
      });
      // Records are per owner: another owner's same key is its own.
      expect(
        (await store.beginTurn('o', { owner: 'other', idempotency: claimOf('idem-2') })).status,
      ).toBe('started');
    });

    it('releaseTurn frees the key for a retry, but only for the attempt that holds it', async () => {
      const claim = claimOf('idem-3', 'fp-1', 'first');
      await started('s', 'web', claim);
      await store.releaseTurn('web', { ...claim, token: 'someone-else' });
      expect(
        (
          await store.beginTurn('s', {
            owner: 'web',
            idempotency: claimOf('idem-3', 'fp-1', 'second'),
          })
        ).status,
      ).toBe('in_flight');
      await store.releaseTurn('web', claim);
      await started('s', 'web', claimOf('idem-3', 'fp-1', 'second'));
      expect(await store.get('s')).toMatchObject({ messageCount: 0 });
    });

    it('an in-flight record lapses after its lease, a completed one after the idempotency TTL', async () => {
      await started('s', 'web', claimOf('lease'));
      const claim = claimOf('kept');
      await started('s', 'web', claim);
      await store.commitTurn('s', end('web', {}, { idempotency: { ...claim, answer: 'A' } }));
      const server = h.serverTtl;
      if (server) {
        const lease = await server.recordMsLeft('web', 'lease');
        expect(lease > 0 && lease <= h.leaseMs).toBe(true);
        const kept = await server.recordMsLeft('web', 'kept');
        expect(kept > h.leaseMs && kept <= h.idempotencyTtlSeconds * 1000).toBe(true);
        return;
      }
      h.advance(h.leaseMs);
      await started('s', 'web', claimOf('lease', 'fp-1', 'later'));
      expect((await store.beginTurn('s', { owner: 'web', idempotency: claim })).status).toBe(
        'completed',
      );
      h.advance(h.idempotencyTtlSeconds * 1000);
      await started('s', 'web', claim);
    });

    it('100 parallel attempts with one key: exactly one runs', async () => {
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          store.beginTurn('hot', { owner: 'web', idempotency: claimOf('same', 'fp-1', `t-${i}`) }),
        ),
      );
      expect(results.filter((r) => r.status === 'started')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'in_flight')).toHaveLength(99);
    });

    it('200 parallel turns of one session count exactly 200', async () => {
      await Promise.all(
        Array.from({ length: 200 }, async (_, i) => {
          const claim = i % 2 === 0 ? claimOf(`k-${i}`) : null;
          await started('busy', 'web', claim);
          await store.commitTurn(
            'busy',
            end(
              'web',
              {},
              {
                failed: i % 4 === 0,
                idempotency: claim ? { ...claim, answer: String(i) } : null,
              },
            ),
          );
        }),
      );
      expect(await store.get('busy')).toMatchObject({ messageCount: 200, failureCount: 50 });
    });

    it('refuses a bad owner or claim with a TypeError, writing nothing', async () => {
      const bad: Array<() => Promise<unknown>> = [
        () => store.readOwned('s', 'has space'),
        () => store.claim('s', ''),
        () => store.beginTurn('s', { owner: 'a:b', idempotency: null }),
        () => store.beginTurn('s', { owner: 'web', idempotency: claimOf('has space') }),
        () => store.beginTurn('s', { owner: 'web', idempotency: claimOf('k', '') }),
        () => store.commitTurn('s', end('web', { messageCount: 4 } as SessionPatch)),
        () => store.releaseTurn('web', claimOf('x'.repeat(256))),
      ];
      for (const call of bad) await expect(call()).rejects.toThrow(TypeError);
      expect(await store.get('s')).toBeNull();
    });
  });
}
