import type { SessionContext, SessionPatch } from './SessionStore.js';

/** A message's hold on its Idempotency-Key; records are kept per owner. */
export interface IdempotencyClaim {
  /** The client's Idempotency-Key (or its repeated X-Request-Id). */
  key: string;
  /** A digest of what the message asks; the same key with another message is refused. */
  fingerprint: string;
  /** This attempt's id: only it may release the in-flight record. */
  token: string;
}

export interface TurnStart {
  owner: string;
  idempotency: IdempotencyClaim | null;
}

/**
 * What `beginTurn` found. `started`: the session is claimed for the owner (created when
 * missing) and the turn may run; nothing was counted yet.
 */
export type TurnBegun =
  | { status: 'started'; session: SessionContext }
  /** The session belongs to another owner. */
  | { status: 'not_owner' }
  /** A message with this key is being answered right now. */
  | { status: 'in_flight' }
  /** This key was used for a different message. */
  | { status: 'key_reused' }
  /** This key's message was answered: here is the stored answer; nothing was counted. */
  | { status: 'completed'; answer: string };

/** Everything a turn changes, applied at once at its end. */
export interface TurnEnd {
  owner: string;
  /** Fields to overwrite. */
  patch: SessionPatch;
  /** Count one more turn that found no answer (`failureCount + 1`). */
  failed: boolean;
  /** Keeps `answer` (opaque text) for retries with the same key. */
  idempotency: (IdempotencyClaim & { answer: string }) | null;
}
