import type { AuditedMessage } from './AuditedMessage.js';
import type { AuditEntry } from './AuditEntry.js';

const INVALID_TRACE_ID = '0'.repeat(32);
const LONE_SURROGATE = /\p{Cs}/gu;

/**
 * NUL and unpaired surrogates are legal in JS strings but PostgreSQL refuses them in text and
 * jsonb; one such character must not fail a request or block the journal, so both backends
 * store U+FFFD instead.
 */
export function storableText(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD').replaceAll('\u0000', '\uFFFD');
}

// Any surrogate half or NUL: most text has none, and a text that has one is checked exactly.
// eslint-disable-next-line no-control-regex -- NUL is exactly what it looks for
const MAYBE_UNSTORABLE = /[\u0000\ud800-\udfff]/;

/** `value` with every string made storable; the same object where nothing needed it. */
function storable<T>(value: T): T {
  if (typeof value === 'string') {
    return (MAYBE_UNSTORABLE.test(value) ? storableText(value) : value) as T;
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i += 1) {
      const item: unknown = value[i];
      const fixed = storable(item);
      if (fixed !== item) (copy ??= [...value])[i] = fixed;
    }
    return (copy ?? value) as T;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    let changed = false;
    const fixed = entries.map(([key, item]): [string, unknown] => {
      const storedKey = storable(key);
      const storedItem = storable(item as unknown);
      if (storedKey !== key || storedItem !== item) changed = true;
      return [storedKey, storedItem];
    });
    return (changed ? Object.fromEntries(fixed) : value) as T;
  }
  return value;
}

export interface BuiltAuditEntry {
  entry: AuditEntry;
  /** The payload's size in UTF-8 bytes, known without building it. */
  payloadBytes: number;
  /** The full payload: the JSON of the redacted request and the response. */
  payload(): string;
}

/**
 * The audit entry of one answered message (without `rawPayloadKey`) and its full payload,
 * the JSON of the redacted request and the response, built only when asked for (when it
 * goes to the blob store): its size comes from the response JSON the agent sent. Only
 * redacted text goes into either.
 */
export function buildAuditEntry(
  message: AuditedMessage,
  { id, timestamp }: { id: string; timestamp: Date },
): BuiltAuditEntry {
  const { request, traceId } = message;
  const entry: AuditEntry = storable({
    id,
    sessionId: request.sessionId,
    requestId: request.requestId,
    timestamp: timestamp.toISOString(),
    messageText: request.text,
    toolsCalled: message.toolsCalled,
    selectedSources: message.selectedSources,
    escalationTicketId: message.escalationTicketId,
    piiRedacted: message.piiRedacted,
    rawPayloadKey: null,
    traceId: traceId === '' || traceId === INVALID_TRACE_ID ? null : traceId,
  });
  const requestJson = JSON.stringify({
    sessionId: request.sessionId,
    requestId: request.requestId,
    customerId: request.customerId,
    text: request.text,
  });
  const responseJson = message.responseJson ?? JSON.stringify(message.response);
  // Exactly JSON.stringify({ request, response }), in pieces.
  const head = '{"request":';
  const middle = ',"response":';
  return {
    entry,
    payloadBytes:
      head.length +
      middle.length +
      1 +
      Buffer.byteLength(requestJson, 'utf8') +
      Buffer.byteLength(responseJson, 'utf8'),
    payload: () => `${head}${requestJson}${middle}${responseJson}}`,
  };
}

/** Where the payload of audit entry `id` goes in the blob store: `audit/<yyyy>/<mm>/<id>.json`. */
export function auditPayloadKey(id: string, timestamp: Date): string {
  const year = String(timestamp.getUTCFullYear()).padStart(4, '0');
  const month = String(timestamp.getUTCMonth() + 1).padStart(2, '0');
  return `audit/${year}/${month}/${id}.json`;
}
