const SEQUENCE_DIGITS = 12;
const MAX_SEQUENCE = 10 ** SEQUENCE_DIGITS - 1;
const SEQUENCE = new RegExp(`^\\d{${SEQUENCE_DIGITS}}$`);

/**
 * The store prefix of a session's notes. The id is URI-encoded, so it holds no `:` and
 * `session:a:` never prefixes the keys of session `a:b`.
 */
export function sessionPrefix(sessionId: string): string {
  return `session:${encodeURIComponent(sessionId)}:`;
}

/**
 * `session:<sessionId>:<MAX - sequence>`, zero-padded: keys sort newest first, so the
 * latest notes are one `list(prefix, { limit })` away.
 */
export function noteKey(sessionId: string, sequence: number): string {
  return `${sessionPrefix(sessionId)}${String(MAX_SEQUENCE - sequence).padStart(SEQUENCE_DIGITS, '0')}`;
}

/** The sequence number of `key` when it is a note key of `sessionId`, else null. */
export function sequenceOf(key: string, sessionId: string): number | null {
  const prefix = sessionPrefix(sessionId);
  if (!key.startsWith(prefix)) return null;
  const rest = key.slice(prefix.length);
  return SEQUENCE.test(rest) ? MAX_SEQUENCE - Number(rest) : null;
}
