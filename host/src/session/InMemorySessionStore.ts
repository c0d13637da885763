import { assertSessionId } from './assertSessionId.js';
import { SESSION_DEFAULTS } from './sessionDefaults.js';
import type {
  ListActiveOptions,
  SessionContext,
  SessionCounter,
  SessionPatch,
  SessionReplacement,
  SessionStore,
} from './SessionStore.js';
import {
  validateIncrement,
  validateListOptions,
  validatePatch,
  validateReplacement,
  validateTtl,
} from './validateSessionInput.js';

export interface InMemorySessionStoreOptions {
  ttlSeconds: number;
  /** Epoch milliseconds; defaults to `Date.now`. */
  now?: () => number;
}

interface Entry {
  context: SessionContext;
  writtenAt: number;
}

/**
 * Sessions in this process only (`USE_SHARED_CONTEXT=false`). Expired sessions are dropped
 * when touched, when listed, and from the oldest end of the map on every write, so no timer runs.
 */
export class InMemorySessionStore implements SessionStore {
  readonly kind = 'memory';
  readonly #ttlMs: number;
  readonly #now: () => number;
  // Kept in write order (an entry is re-inserted on every write): oldest first.
  readonly #entries = new Map<string, Entry>();

  constructor(options: InMemorySessionStoreOptions) {
    this.#ttlMs = validateTtl(options.ttlSeconds) * 1000;
    this.#now = options.now ?? Date.now;
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
    return this.#write(sessionId, now, {
      sessionId,
      ...SESSION_DEFAULTS,
      ...fields,
      createdAt: stamp,
      updatedAt: stamp,
    });
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
    for (const [sessionId, entry] of this.#entries) {
      if (this.#expired(entry, now)) this.#entries.delete(sessionId);
      else if (entry.writtenAt >= since) ids.push(sessionId);
    }
    ids.reverse();
    return options.limit === undefined ? ids : ids.slice(0, options.limit);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.#entries.clear();
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

  #write(sessionId: string, now: number, context: SessionContext): SessionContext {
    const stored = { ...context, updatedAt: new Date(now).toISOString() };
    this.#entries.delete(sessionId);
    this.#entries.set(sessionId, { context: stored, writtenAt: now });
    this.#sweep(now);
    return { ...stored };
  }

  /** Drops expired sessions from the oldest end; stops at the first live one. */
  #sweep(now: number): void {
    for (const [sessionId, entry] of this.#entries) {
      if (!this.#expired(entry, now)) return;
      this.#entries.delete(sessionId);
    }
  }
}
