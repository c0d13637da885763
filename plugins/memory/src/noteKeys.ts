const SEQUENCE_DIGITS = 12;
const SEQUENCE = new RegExp(`^\\d{${SEQUENCE_DIGITS}}$`);

/** The store prefix of a session's notes. */
export function sessionPrefix(sessionId: string): string {
  return `session:${sessionId}:`;
}

/** `session:<sessionId>:<sequence>`, zero-padded so keys sort in the order notes were taken. */
export function noteKey(sessionId: string, sequence: number): string {
  return `${sessionPrefix(sessionId)}${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;
}

/**
 * The sequence number of `key` when it is a note key of `sessionId`, else null. Session ids
 * may contain `:`, so `session:a:` also prefixes the keys of session `a:b`; those are not
 * followed by a bare sequence and are refused here.
 */
export function sequenceOf(key: string, sessionId: string): number | null {
  const prefix = sessionPrefix(sessionId);
  if (!key.startsWith(prefix)) return null;
  const rest = key.slice(prefix.length);
  return SEQUENCE.test(rest) ? Number(rest) : null;
}
