import type { AuditEntry } from './AuditEntry.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isString = (value: unknown): value is string => typeof value === 'string';
const isNullableString = (value: unknown): boolean => value === null || typeof value === 'string';

/** True when a parsed journal line has the shape of an AuditEntry the database will take. */
export function isAuditEntry(value: unknown): value is AuditEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entry = value as Record<string, unknown>;
  return (
    isString(entry['id']) &&
    UUID.test(entry['id']) &&
    isString(entry['sessionId']) &&
    isString(entry['requestId']) &&
    isString(entry['timestamp']) &&
    !Number.isNaN(Date.parse(entry['timestamp'])) &&
    isString(entry['messageText']) &&
    Array.isArray(entry['toolsCalled']) &&
    Array.isArray(entry['selectedSources']) &&
    isNullableString(entry['escalationTicketId']) &&
    typeof entry['piiRedacted'] === 'boolean' &&
    isNullableString(entry['rawPayloadKey']) &&
    isNullableString(entry['traceId'])
  );
}
