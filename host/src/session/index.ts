export { createSessionStore } from './createSessionStore.js';
export { InMemorySessionStore, type InMemorySessionStoreOptions } from './InMemorySessionStore.js';
export {
  DEFAULT_SESSION_KEY_PREFIX,
  RedisSessionStore,
  type RedisSessionStoreOptions,
} from './RedisSessionStore.js';
export type {
  ListActiveOptions,
  SessionContext,
  SessionCounter,
  SessionPatch,
  SessionReplacement,
  SessionStore,
} from './SessionStore.js';
export { SESSION_ID_RULE, assertSessionId } from './assertSessionId.js';
export { ANONYMOUS_OWNER, sessionIdForTools } from './sessionOwner.js';
export type { IdempotencyClaim, TurnBegun, TurnEnd, TurnStart } from './SessionTurn.js';
