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
