import type { Redis } from 'ioredis';
import { assertSessionId } from './assertSessionId.js';
import { SESSION_DEFAULTS } from './sessionDefaults.js';
import { decodeSessionHash, encodeSessionFields } from './sessionHashCodec.js';
import { defineSessionScripts } from './sessionScripts.js';
import type {
  ListActiveOptions,
  SessionContext,
  SessionCounter,
  SessionPatch,
  SessionReplacement,
  SessionStore,
} from './SessionStore.js';
import { isRedisUnavailable, sessionUnavailable } from './sessionUnavailable.js';
import {
  validateIncrement,
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
}

/**
 * Sessions shared by every host process on one Redis (`USE_SHARED_CONTEXT=true`): a HASH per
 * session with a TTL, written only by Lua scripts (HINCRBY for counters), and a sorted set of
 * last activity for `listActive`.
 */
export class RedisSessionStore implements SessionStore {
  readonly kind = 'redis';
  readonly #redis: Redis;
  readonly #ttlMs: number;
  readonly #prefix: string;
  readonly #activeKey: string;
  readonly #now: () => number;

  constructor(options: RedisSessionStoreOptions) {
    this.#redis = options.redis;
    this.#ttlMs = Math.max(1, Math.round(validateTtl(options.ttlSeconds) * 1000));
    this.#prefix = options.keyPrefix ?? DEFAULT_SESSION_KEY_PREFIX;
    this.#activeKey = `${this.#prefix}active`;
    this.#now = options.now ?? Date.now;
    defineSessionScripts(this.#redis);
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
