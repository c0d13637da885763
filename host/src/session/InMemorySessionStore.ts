import { assertSessionId } from './assertSessionId.js';
import {
  DEFAULT_IDEMPOTENCY_TTL_SECONDS,
  DEFAULT_IN_FLIGHT_LEASE_MS,
  SESSION_DEFAULTS,
} from './sessionDefaults.js';
import { ANONYMOUS_OWNER } from './sessionOwner.js';
import type {
  ListActiveOptions,
  SessionContext,
  SessionCounter,
  SessionPatch,
  SessionReplacement,
  SessionStore,
} from './SessionStore.js';
import type { IdempotencyClaim, TurnBegun, TurnEnd, TurnStart } from './SessionTurn.js';
import {
  validateClaim,
  validateIncrement,
  validateOwner,
  validateListOptions,
  validatePatch,
  validateReplacement,
  validateTtl,
} from './validateSessionInput.js';
import { WriteOrderQueue } from './WriteOrderQueue.js';

export interface InMemorySessionStoreOptions {
  ttlSeconds: number;
  /** Epoch milliseconds; defaults to `Date.now`. */
  now?: () => number;
  /** How long a completed message's answer is kept for retries (default one day). */
  idempotencyTtlSeconds?: number;
  /** How long an in-flight record holds its key when its turn never ends (default 60 s). */
  inFlightLeaseMs?: number;
  /** At most this many idempotency records; the oldest go first (default 10,000). */
  maxIdempotencyRecords?: number;
}

interface Entry {
  context: SessionContext;
  writtenAt: number;
  owner: string;
  /** The sequence number of its last write: orders `listActive` and matches its queue item. */
  seq: number;
}

interface IdempotencyRecord {
  state: 'in_flight' | 'done';
  fingerprint: string;
  token: string;
  answer: string;
  expiresAt: number;
  seq: number;
}

/** Past this many stale queue items per live one (plus a floor), a queue is rebuilt. */
const STALE_PER_LIVE = 2;
const REBUILD_FLOOR = 1024;

const DEFAULT_MAX_IDEMPOTENCY_RECORDS = 10_000;

/**
 * Sessions in this process only (`USE_SHARED_CONTEXT=false`). Expired sessions are dropped
 * when touched, when listed, and from the oldest end of a write-order queue on every write,
 * so no timer runs and no operation scans every session: entries are updated in place (a
 * Map delete-and-reinsert would leave holes that every walk from the oldest end must skip),
 * and each write costs O(1) amortized however many sessions are held.
 */
export class InMemorySessionStore implements SessionStore {
  readonly kind = 'memory';
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  readonly #entryOrder = new WriteOrderQueue();
  // Keyed by `<owner>\n<key>`.
  readonly #records = new Map<string, IdempotencyRecord>();
  readonly #recordOrder = new WriteOrderQueue();
  #seq = 0;
  readonly #recordTtlMs: number;
  readonly #leaseMs: number;
  readonly #maxRecords: number;

  constructor(options: InMemorySessionStoreOptions) {
    this.#ttlMs = validateTtl(options.ttlSeconds) * 1000;
    this.#now = options.now ?? Date.now;
    this.#recordTtlMs =
      validateTtl(options.idempotencyTtlSeconds ?? DEFAULT_IDEMPOTENCY_TTL_SECONDS) * 1000;
    this.#leaseMs = options.inFlightLeaseMs ?? DEFAULT_IN_FLIGHT_LEASE_MS;
    this.#maxRecords = options.maxIdempotencyRecords ?? DEFAULT_MAX_IDEMPOTENCY_RECORDS;
  }

  async get(sessionId: string): Promise<SessionContext | null> {
    assertSessionId(sessionId);
    const entry = this.#live(sessionId, this.#now());
    return entry ? { ...entry.context } : null;
  }

  async set(sessionId: string, context: SessionReplacement): Promise<SessionContext> {
    assertSessionId(sessionId);
    const fields = validateReplacement(context);
    const now = this.#now();
    const stamp = new Date(now).toISOString();
    const owner = this.#live(sessionId, now)?.owner ?? ANONYMOUS_OWNER;
    return this.#write(
      sessionId,
      now,
      { sessionId, ...SESSION_DEFAULTS, ...fields, createdAt: stamp, updatedAt: stamp },
      owner,
    );
  }

  async update(
    sessionId: string,
    patch: SessionPatch,
    _options?: { atomic?: boolean },
  ): Promise<SessionContext> {
    assertSessionId(sessionId);
    const fields = validatePatch(patch);
    const now = this.#now();
    return this.#write(sessionId, now, { ...this.#current(sessionId, now), ...fields });
  }

  async increment(sessionId: string, field: SessionCounter, by = 1): Promise<SessionContext> {
    assertSessionId(sessionId);
    validateIncrement(field, by);
    const now = this.#now();
    const current = this.#current(sessionId, now);
    return this.#write(sessionId, now, { ...current, [field]: current[field] + by });
  }

  async delete(sessionId: string): Promise<boolean> {
    assertSessionId(sessionId);
    const live = this.#live(sessionId, this.#now()) !== undefined;
    this.#entries.delete(sessionId);
    return live;
  }

  async listActive(options: ListActiveOptions = {}): Promise<string[]> {
    validateListOptions(options);
    const now = this.#now();
    const since =
      options.activeWithinSeconds === undefined
        ? -Infinity
        : now - options.activeWithinSeconds * 1000;
    const ids: string[] = [];
    const live: Array<[string, Entry]> = [];
    for (const [sessionId, entry] of this.#entries) {
      if (this.#expired(entry, now)) this.#entries.delete(sessionId);
      else if (entry.writtenAt >= since) live.push([sessionId, entry]);
    }
    live.sort((a, b) => b[1].seq - a[1].seq);
    for (const [sessionId] of live) ids.push(sessionId);
    return options.limit === undefined ? ids : ids.slice(0, options.limit);
  }

  async readOwned(sessionId: string, owner: string): Promise<SessionContext | null> {
    assertSessionId(sessionId);
    validateOwner(owner);
    const entry = this.#live(sessionId, this.#now());
    return entry && entry.owner === owner ? { ...entry.context } : null;
  }

  async claim(sessionId: string, owner: string): Promise<boolean> {
    assertSessionId(sessionId);
    validateOwner(owner);
    const now = this.#now();
    if (!this.#ownedBy(sessionId, owner, now)) return false;
    this.#write(sessionId, now, this.#current(sessionId, now), owner);
    return true;
  }

  async beginTurn(sessionId: string, start: TurnStart): Promise<TurnBegun> {
    assertSessionId(sessionId);
    const owner = validateOwner(start.owner);
    const claim = start.idempotency;
    if (claim) validateClaim(claim);
    const now = this.#now();
    if (!this.#ownedBy(sessionId, owner, now)) return { status: 'not_owner' };
    if (claim) {
      this.#sweepRecords(now);
      const id = recordId(owner, claim.key);
      const record = this.#records.get(id);
      if (record && record.expiresAt > now) {
        if (record.fingerprint !== claim.fingerprint) return { status: 'key_reused' };
        return record.state === 'done'
          ? { status: 'completed', answer: record.answer }
          : { status: 'in_flight' };
      }
      this.#putRecord(id, {
        state: 'in_flight',
        fingerprint: claim.fingerprint,
        token: claim.token,
        answer: '',
        expiresAt: now + this.#leaseMs,
        seq: 0,
      });
    }
    const session = this.#write(sessionId, now, this.#current(sessionId, now), owner);
    return { status: 'started', session };
  }

  async commitTurn(sessionId: string, end: TurnEnd): Promise<SessionContext | null> {
    assertSessionId(sessionId);
    const owner = validateOwner(end.owner);
    const fields = validatePatch(end.patch);
    if (end.idempotency) validateClaim(end.idempotency);
    const now = this.#now();
    if (!this.#ownedBy(sessionId, owner, now)) return null;
    const current = this.#current(sessionId, now);
    const next: SessionContext = {
      ...current,
      ...fields,
      messageCount: current.messageCount + 1,
    };
    if (end.failed) next.failureCount = current.failureCount + 1;
    if (end.idempotency) {
      const { key, fingerprint, token, answer } = end.idempotency;
      this.#putRecord(recordId(owner, key), {
        state: 'done',
        fingerprint,
        token,
        answer,
        expiresAt: now + this.#recordTtlMs,
        seq: 0,
      });
    }
    return this.#write(sessionId, now, next, owner);
  }

  async releaseTurn(owner: string, claim: IdempotencyClaim): Promise<void> {
    validateOwner(owner);
    validateClaim(claim);
    const id = recordId(owner, claim.key);
    const record = this.#records.get(id);
    if (record?.state === 'in_flight' && record.token === claim.token) this.#records.delete(id);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.#entries.clear();
    this.#records.clear();
    this.#entryOrder.rebuild([]);
    this.#recordOrder.rebuild([]);
  }

  /** Sessions held right now, expired ones not yet dropped included (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  /** True when the session is missing or is `owner`'s. */
  #ownedBy(sessionId: string, owner: string, now: number): boolean {
    const entry = this.#live(sessionId, now);
    return entry === undefined || entry.owner === owner;
  }

  #putRecord(id: string, record: IdempotencyRecord): void {
    record.seq = ++this.#seq;
    this.#records.set(id, record);
    this.#recordOrder.push(id, record.seq);
    // The oldest written go first.
    while (this.#records.size > this.#maxRecords) {
      const oldest = this.#headRecord();
      if (oldest === undefined) break;
      this.#records.delete(oldest);
      this.#recordOrder.shift();
    }
    this.#compact(this.#recordOrder, this.#records);
  }

  /** Drops expired records from the oldest end; stops at the first live one. */
  #sweepRecords(now: number): void {
    for (let id = this.#headRecord(); id !== undefined; id = this.#headRecord()) {
      if ((this.#records.get(id)?.expiresAt ?? 0) > now) return;
      this.#records.delete(id);
      this.#recordOrder.shift();
    }
  }

  /** The id of the oldest record still held, past the stale queue items before it. */
  #headRecord(): string | undefined {
    for (let id = this.#recordOrder.headId(); id !== undefined; id = this.#recordOrder.headId()) {
      if (this.#records.get(id)?.seq === this.#recordOrder.headSeq()) return id;
      this.#recordOrder.shift();
    }
    return undefined;
  }

  #compact(order: WriteOrderQueue, held: Map<string, { seq: number }>): void {
    if (order.length <= REBUILD_FLOOR + STALE_PER_LIVE * held.size) return;
    order.rebuild([...held].map(([id, item]) => [id, item.seq] as const));
  }

  #expired(entry: Entry, now: number): boolean {
    return now - entry.writtenAt >= this.#ttlMs;
  }

  #live(sessionId: string, now: number): Entry | undefined {
    const entry = this.#entries.get(sessionId);
    if (entry && this.#expired(entry, now)) {
      this.#entries.delete(sessionId);
      return undefined;
    }
    return entry;
  }

  #current(sessionId: string, now: number): SessionContext {
    const entry = this.#live(sessionId, now);
    if (entry) return entry.context;
    const stamp = new Date(now).toISOString();
    return { sessionId, ...SESSION_DEFAULTS, createdAt: stamp, updatedAt: stamp };
  }

  #write(
    sessionId: string,
    now: number,
    context: SessionContext,
    owner = this.#live(sessionId, now)?.owner ?? ANONYMOUS_OWNER,
  ): SessionContext {
    const stored = { ...context, updatedAt: new Date(now).toISOString() };
    const seq = ++this.#seq;
    this.#entries.set(sessionId, { context: stored, writtenAt: now, owner, seq });
    this.#entryOrder.push(sessionId, seq);
    this.#sweep(now);
    this.#compact(this.#entryOrder, this.#entries);
    return { ...stored };
  }

  /** Drops expired sessions from the oldest end; stops at the first live one. */
  #sweep(now: number): void {
    const order = this.#entryOrder;
    for (let id = order.headId(); id !== undefined; id = order.headId()) {
      const entry = this.#entries.get(id);
      if (entry?.seq === order.headSeq()) {
        if (!this.#expired(entry, now)) return;
        this.#entries.delete(id);
      }
      order.shift();
    }
  }
}

function recordId(owner: string, key: string): string {
  return `${owner}\n${key}`;
}
