import type { IdempotencyClaim, TurnBegun, TurnEnd, TurnStart } from './SessionTurn.js';

/** The context the agent keeps per conversation; timestamps are ISO 8601 (UTC). */
export interface SessionContext {
  sessionId: string;
  messageCount: number;
  failureCount: number;
  escalated: boolean;
  escalationTicketId: string | null;
  customerId: string | null;
  lastIntent: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The fields a caller may overwrite; counters other than `failureCount` move only by `increment`. */
export type SessionPatch = Partial<
  Pick<
    SessionContext,
    'escalated' | 'escalationTicketId' | 'customerId' | 'lastIntent' | 'failureCount'
  >
>;

/** What `set` writes: a patch plus the message count; omitted fields take their defaults. */
export type SessionReplacement = SessionPatch & { messageCount?: number };

export type SessionCounter = 'messageCount' | 'failureCount';

export interface ListActiveOptions {
  /** At most this many ids (default: all). */
  limit?: number;
  /** Only sessions written within this many seconds (default: the TTL). */
  activeWithinSeconds?: number;
}

/**
 * Per-session context, in memory (one process) or in Redis (shared by every host process).
 * Every write stamps `updatedAt` and restarts the session's TTL; reads do neither. A session
 * that was not written for the TTL is gone. Every write is applied whole or not at all, and
 * the context it returns is the one right after that write.
 *
 * A session belongs to the owner (an API key's name) that created it through `beginTurn` or
 * `claim`; the owner is kept in the session itself, written by the same atomic step that
 * creates it, and survives `set`. Sessions created otherwise belong to ANONYMOUS_OWNER.
 *
 * All methods reject with a `TypeError` for an invalid session id (1–128 characters of
 * `A–Z a–z 0–9 . _ : -`) or an invalid field value, and with
 * `HostError('TOOLHOST_ERR_SESSION_UNAVAILABLE')` when the backend cannot be reached.
 */
export interface SessionStore {
  readonly kind: 'memory' | 'redis';
  /** The context, or null when there is none (never written, deleted or expired). */
  get(sessionId: string): Promise<SessionContext | null>;
  /** Replaces the whole context (a new `createdAt`); fields not given take their defaults. */
  set(sessionId: string, context: SessionReplacement): Promise<SessionContext>;
  /**
   * Overwrites the given fields, creating the session when missing. Both stores apply every
   * patch atomically (a Redis HASH keeps fields apart, so no read-modify-write is involved);
   * `atomic` is accepted for callers that state it and changes nothing.
   */
  update(
    sessionId: string,
    patch: SessionPatch,
    options?: { atomic?: boolean },
  ): Promise<SessionContext>;
  /** Adds `by` (a non-negative integer, default 1) to a counter, creating the session when missing. */
  increment(sessionId: string, field: SessionCounter, by?: number): Promise<SessionContext>;
  /** True when there was a session to delete. */
  delete(sessionId: string): Promise<boolean>;
  /** Ids of live sessions, most recently written first. */
  listActive(options?: ListActiveOptions): Promise<string[]>;
  /** The context when the session exists and belongs to `owner`; null otherwise (missing and another's look alike). */
  readOwned(sessionId: string, owner: string): Promise<SessionContext | null>;
  /** Creates the session for `owner` when missing, or touches it; false when it belongs to another owner. */
  claim(sessionId: string, owner: string): Promise<boolean>;
  /**
   * Starts a message's turn in one atomic step: checks the owner, then the idempotency
   * record (a completed one returns its stored answer, one in flight or for another message
   * refuses), then records this attempt as in flight and claims the session. Counts nothing.
   */
  beginTurn(sessionId: string, start: TurnStart): Promise<TurnBegun>;
  /**
   * Ends a turn in one atomic step: `messageCount + 1`, the patch, `failureCount + 1` when it
   * failed, and the answer kept for retries. Null when the session belongs to another owner.
   */
  commitTurn(sessionId: string, end: TurnEnd): Promise<SessionContext | null>;
  /** Drops this attempt's in-flight record (the turn failed), so a retry runs again. */
  releaseTurn(owner: string, claim: IdempotencyClaim): Promise<void>;
  ping(): Promise<void>;
  /** Releases what the store owns; a Redis client passed in stays open (its creator closes it). */
  close(): Promise<void>;
}
