/** What a caller-supplied id (a session, request or customer id) may look like. */
export const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export const SESSION_ID_RULE = "1–128 characters of A–Z, a–z, 0–9, '.', '_', ':' and '-'";

/** @throws TypeError when `sessionId` breaks the id rule. */
export function assertSessionId(sessionId: unknown): asserts sessionId is string {
  if (typeof sessionId === 'string' && ID_PATTERN.test(sessionId)) return;
  const shown =
    typeof sessionId === 'string'
      ? JSON.stringify(sessionId.length > 40 ? `${sessionId.slice(0, 40)}…` : sessionId)
      : typeof sessionId;
  throw new TypeError(`Invalid session id ${shown}: a session id is ${SESSION_ID_RULE}`);
}
