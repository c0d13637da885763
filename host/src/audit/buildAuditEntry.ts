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

function storable<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [storableText(key), storable(item)]),
    ) as T;
  }
  return value;
}

/**
 * The audit entry of one answered message (without `rawPayloadKey`) and its full payload:
 * the JSON of the redacted request and the response. Only redacted text goes into either.
 */
export function buildAuditEntry(
  message: AuditedMessage,
  { id, timestamp }: { id: string; timestamp: Date },
): { entry: AuditEntry; payload: string } {
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
  const payload = JSON.stringify({
    request: {
      sessionId: request.sessionId,
      requestId: request.requestId,
      customerId: request.customerId,
      text: request.text,
    },
    response: message.response,
  });
  return { entry, payload };
}

/** Where the payload of audit entry `id` goes in the blob store: `audit/<yyyy>/<mm>/<id>.json`. */
export function auditPayloadKey(id: string, timestamp: Date): string {
  const year = String(timestamp.getUTCFullYear()).padStart(4, '0');
  const month = String(timestamp.getUTCMonth() + 1).padStart(2, '0');
  return `audit/${year}/${month}/${id}.json`;
}
