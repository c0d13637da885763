import { ANONYMOUS_KEY_NAME } from '../config/parseApiKeys.js';

/**
 * The owner of sessions created in protected mode, and of sessions written without one
 * (the low-level `update`/`increment`/`set`, or before owners were kept).
 */
export const ANONYMOUS_OWNER = ANONYMOUS_KEY_NAME;

/**
 * The session id tools see: `<owner>/<sessionId>` for a key's session, the plain id in
 * protected mode. Session ids never contain `/`, so two owners' sessions never meet in a
 * tool's data (memory notes, ticket dedupe keys), even after a session expired and another
 * key took its id.
 */
export function sessionIdForTools(owner: string, sessionId: string): string {
  return owner === ANONYMOUS_OWNER ? sessionId : `${owner}/${sessionId}`;
}
