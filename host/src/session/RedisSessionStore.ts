import type { Redis } from 'ioredis';
import { assertSessionId } from './assertSessionId.js';
import {
  DEFAULT_IDEMPOTENCY_TTL_SECONDS,
  DEFAULT_IN_FLIGHT_LEASE_MS,
  SESSION_DEFAULTS,
} from './sessionDefaults.js';
import { decodeSessionHash, encodeSessionFields } from './sessionHashCodec.js';
import { ANONYMOUS_OWNER } from './sessionOwner.js';
import { defineSessionScripts } from './sessionScripts.js';
import type {
  ListActiveOptions,
  SessionContext,
  SessionCounter,
  SessionPatch,
  SessionReplacement,
  SessionStore,
} from './SessionStore.js';
import type { IdempotencyClaim, TurnBegun, TurnEnd, TurnStart } from './SessionTurn.js';
import { isRedisUnavailable, sessionUnavailable } from './sessionUnavailable.js';
import {
  validateClaim,
  validateIncrement,
  validateOwner,
  validateListOptions,
  validatePatch,
  validateReplacement,
  validateTtl,
} from './validateSessionInput.js';

export const DEFAULT_SESSION_KEY_PREFIX = 'toolhost:session:';

export interface RedisSessionStoreOptions {
  /** Created and closed by the host; the store only defines its scripts on it. */
  redis: Redis;
  ttlSeconds: number;
  /** Default `toolhost:session:`; sessions live at `<prefix>ctx:<id>`, activity at `<prefix>active`. */
  keyPrefix?: string;
  /** Epoch milliseconds for `updatedAt`, `createdAt` and activity scores; defaults to `Date.now`. */
  now?: () => number;
  /** How long a completed message's answer is kept for retries (default one day). */
  idempotencyTtlSeconds?: number;
  /** How long an in-flight record holds its key when its turn never ends (default 60 s). */
  inFlightLeaseMs?: number;
}

/**
 * Sessions shared by every host process on one Redis (`USE_SHARED_CONTEXT=true`): a HASH per
 * session with a TTL (its owner in the `owner` field), written only by Lua scripts (HINCRBY for
 * counters), a sorted set of last activity for `listActive`, and a HASH per idempotency record
 * at `<prefix>idem:<owner>:<key>`. A turn is two scripts: begin and commit.
 */
export class RedisSessionStore implements SessionStore {
  readonly kind = 'redis';
  readonly #redis: Redis;
  readonly #ttlMs: number;
  readonly #prefix: string;
  readonly #activeKey: string;
  readonly #now: () => number;
  readonly #recordTtlMs: number;
  readonly #leaseMs: number;

  constructor(options: RedisSessionStoreOptions) {
    this.#redis = options.redis;
    this.#ttlMs = Math.max(1, Math.round(validateTtl(options.ttlSeconds) * 1000));
    this.#prefix = options.keyPrefix ?? DEFAULT_SESSION_KEY_PREFIX;
    this.#activeKey = `${this.#prefix}active`;
    this.#now = options.now ?? Date.now;
    this.#recordTtlMs = Math.round(
      validateTtl(options.idempotencyTtlSeconds ?? DEFAULT_IDEMPOTENCY_TTL_SECONDS) * 1000,
    );
    this.#leaseMs = options.inFlightLeaseMs ?? DEFAULT_IN_FLIGHT_LEASE_MS;
    defineSessionScripts(this.#redis);
  }

  /** The Redis key of an owner's idempotency record (for operators and tests). */
  recordKeyOf(owner: string, key: string): string {
    return `${this.#prefix}idem:${validateOwner(owner)}:${key}`;
  }

  /** The Redis key of a session's hash (for operators and tests). */
  keyOf(sessionId: string): string {
    assertSessionId(sessionId);
    return `${this.#prefix}ctx:${sessionId}`;
  }

  async get(sessionId: string): Promise<SessionContext | null> {
    const key = this.keyOf(sessionId);
    const hash = await this.#call(() => this.#redis.hgetall(key));
    return decodeSessionHash(sessionId, hash);
  }

  async set(sessionId: string, context: SessionReplacement): Promise<SessionContext> {
    const key = this.keyOf(sessionId);
    const fields = encodeSessionFields({ ...SESSION_DEFAULTS, ...validateReplacement(context) });
    return this.#write(sessionId, key, 'replace', fields);
  }

  async update(
    sessionId: string,
    patch: SessionPatch,
    _options?: { atomic?: boolean },
  ): Promise<SessionContext> {
    const key = this.keyOf(sessionId);
    return this.#write(sessionId, key, 'patch', encodeSessionFields(validatePatch(patch)));
  }

  async increment(sessionId: string, field: SessionCounter, by = 1): Promise<SessionContext> {
    const key = this.keyOf(sessionId);
    validateIncrement(field, by);
    const hash = await this.#call(() =>
      this.#redis.toolhostSessionIncrement(
        key,
        this.#activeKey,
        sessionId,
        this.#now(),
        this.#ttlMs,
        field,
        by,
      ),
    );
    return this.#decodeWritten(sessionId, hash);
  }

  async delete(sessionId: string): Promise<boolean> {
    const key = this.keyOf(sessionId);
    const [deleted] = await this.#call(async () =>
      resultsOf(await this.#redis.multi().del(key).zrem(this.#activeKey, sessionId).exec()),
    );
    return deleted === 1;
  }

  async listActive(options: ListActiveOptions = {}): Promise<string[]> {
    validateListOptions(options);
    if (options.limit === 0) return [];
    const now = this.#now();
    const since =
      options.activeWithinSeconds === undefined ? '-inf' : now - options.activeWithinSeconds * 1000;
    const [, ids] = await this.#call(async () => {
      const transaction = this.#redis
        .multi()
        .zremrangebyscore(this.#activeKey, '-inf', now - this.#ttlMs);
      if (options.limit === undefined) {
        transaction.zrevrangebyscore(this.#activeKey, '+inf', since);
      } else {
        transaction.zrevrangebyscore(this.#activeKey, '+inf', since, 'LIMIT', 0, options.limit);
      }
      return resultsOf(await transaction.exec());
    });
    return ids as string[];
  }

  async readOwned(sessionId: string, owner: string): Promise<SessionContext | null> {
    const key = this.keyOf(sessionId);
    validateOwner(owner);
    const hash = await this.#call(() => this.#redis.hgetall(key));
    const context = decodeSessionHash(sessionId, hash);
    return context && (hash['owner'] ?? ANONYMOUS_OWNER) === owner ? context : null;
  }

  async claim(sessionId: string, owner: string): Promise<boolean> {
    const key = this.keyOf(sessionId);
    validateOwner(owner);
    const [status] = await this.#call(() =>
      this.#redis.toolhostSessionClaim(
        key,
        this.#activeKey,
        sessionId,
        this.#now(),
        this.#ttlMs,
        owner,
        ANONYMOUS_OWNER,
      ),
    );
    return status === 'ok';
  }

  async beginTurn(sessionId: string, start: TurnStart): Promise<TurnBegun> {
    const key = this.keyOf(sessionId);
    const owner = validateOwner(start.owner);
    const claim = start.idempotency;
    if (claim) validateClaim(claim);
    const [status, payload] = await this.#call(() =>
      this.#redis.toolhostSessionBegin(
        key,
        this.#activeKey,
        claim ? this.recordKeyOf(owner, claim.key) : key,
        sessionId,
        this.#now(),
        this.#ttlMs,
        owner,
        ANONYMOUS_OWNER,
        claim ? '1' : '0',
        claim?.fingerprint ?? '',
        claim?.token ?? '',
        this.#leaseMs,
      ),
    );
    switch (status) {
      case 'started':
        return { status, session: this.#decodeWritten(sessionId, payload as string[]) };
      case 'completed':
        return { status, answer: payload as string };
      case 'not_owner':
      case 'in_flight':
      case 'key_reused':
        return { status };
      default:
        throw new Error(`Unexpected answer '${status}' of the session begin script`);
    }
  }

  async commitTurn(sessionId: string, end: TurnEnd): Promise<SessionContext | null> {
    const key = this.keyOf(sessionId);
    const owner = validateOwner(end.owner);
    const patch = encodeSessionFields(validatePatch(end.patch));
    const record = end.idempotency;
    if (record) validateClaim(record);
    const [status, hash] = await this.#call(() =>
      this.#redis.toolhostSessionCommit(
        key,
        this.#activeKey,
        record ? this.recordKeyOf(owner, record.key) : key,
        sessionId,
        this.#now(),
        this.#ttlMs,
        owner,
        ANONYMOUS_OWNER,
        record ? '1' : '0',
        record?.fingerprint ?? '',
        record?.answer ?? '',
        this.#recordTtlMs,
        end.failed ? '1' : '0',
        ...patch,
      ),
    );
    if (status === 'not_owner') return null;
    return this.#decodeWritten(sessionId, hash ?? []);
  }

  async releaseTurn(owner: string, claim: IdempotencyClaim): Promise<void> {
    validateClaim(claim);
    const recordKey = this.recordKeyOf(owner, claim.key);
    await this.#call(() => this.#redis.toolhostSessionRelease(recordKey, claim.token));
  }

  async ping(): Promise<void> {
    await this.#call(() => this.#redis.ping());
  }

  async close(): Promise<void> {}

  async #write(
    sessionId: string,
    key: string,
    mode: 'patch' | 'replace',
    fields: string[],
  ): Promise<SessionContext> {
    const hash = await this.#call(() =>
      this.#redis.toolhostSessionWrite(
        key,
        this.#activeKey,
        sessionId,
        this.#now(),
        this.#ttlMs,
        mode,
        ...fields,
      ),
    );
    return this.#decodeWritten(sessionId, hash);
  }

  #decodeWritten(sessionId: string, hash: string[]): SessionContext {
    const context = decodeSessionHash(sessionId, hash);
    if (!context) throw new Error(`Session '${sessionId}' vanished while it was written`);
    return context;
  }

  async #call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw isRedisUnavailable(error) ? sessionUnavailable(this.#redis, error) : error;
    }
  }
}

/** The replies of a MULTI, throwing the first command error. */
function resultsOf(results: [error: Error | null, result: unknown][] | null): unknown[] {
  if (results === null) throw new Error('Redis aborted the session transaction');
  return results.map(([error, result]) => {
    if (error) throw error;
    return result;
  });
}
