import type { SessionContext } from './SessionStore.js';

type SessionFields = Omit<SessionContext, 'sessionId' | 'createdAt' | 'updatedAt'>;

/** What a new session holds before any field is written. */
export const SESSION_DEFAULTS: Readonly<SessionFields> = Object.freeze({
  messageCount: 0,
  failureCount: 0,
  escalated: false,
  escalationTicketId: null,
  customerId: null,
  lastIntent: null,
});

/** How long a completed message's answer is kept for retries with its Idempotency-Key. */
export const DEFAULT_IDEMPOTENCY_TTL_SECONDS = 86_400;

/**
 * How long an in-flight record holds its key when its turn never ends (the host died): a
 * retry within it answers 409, after it runs again. Longer than any turn should take.
 */
export const DEFAULT_IN_FLIGHT_LEASE_MS = 60_000;
