import { SESSION_DEFAULTS } from './sessionDefaults.js';
import type { SessionContext, SessionReplacement } from './SessionStore.js';

// Every hash value is JSON text: booleans `true`/`false`, `null`, strings quoted, and integers
// (counters, epoch-ms timestamps) bare so that HINCRBY can work on them.

/** A patch or full context as HSET field/value pairs. */
export function encodeSessionFields(fields: SessionReplacement): string[] {
  const pairs: string[] = [];
  for (const [field, value] of Object.entries(fields)) {
    pairs.push(field, typeof value === 'number' ? String(value) : JSON.stringify(value));
  }
  return pairs;
}

function corrupt(sessionId: string, field: string, raw: string): Error {
  return new Error(
    `Session '${sessionId}' in Redis holds an invalid ${field}: ${raw.slice(0, 80)}`,
  );
}

function integer(sessionId: string, field: string, raw: string): number {
  const value = /^-?\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value)) throw corrupt(sessionId, field, raw);
  return value;
}

function nullableString(sessionId: string, field: string, raw: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw corrupt(sessionId, field, raw);
  }
  if (value !== null && typeof value !== 'string') throw corrupt(sessionId, field, raw);
  return value;
}

/**
 * A session hash (HGETALL as a record or as a flat field/value list) as a context, or null
 * when it is empty. @throws Error when a stored value cannot be decoded.
 */
export function decodeSessionHash(
  sessionId: string,
  hash: Readonly<Record<string, string>> | readonly string[],
): SessionContext | null {
  const record: Record<string, string> = {};
  if (Array.isArray(hash)) {
    for (let i = 0; i + 1 < hash.length; i += 2) record[hash[i] as string] = hash[i + 1] as string;
  } else {
    Object.assign(record, hash);
  }
  if (Object.keys(record).length === 0) return null;
  const stamp = (field: 'createdAt' | 'updatedAt') =>
    new Date(integer(sessionId, field, record[field] ?? '')).toISOString();
  const context: SessionContext = {
    sessionId,
    ...SESSION_DEFAULTS,
    createdAt: stamp('createdAt'),
    updatedAt: stamp('updatedAt'),
  };
  for (const field of ['messageCount', 'failureCount'] as const) {
    const raw = record[field];
    if (raw !== undefined) context[field] = integer(sessionId, field, raw);
  }
  const escalated = record['escalated'];
  if (escalated !== undefined) {
    if (escalated !== 'true' && escalated !== 'false') {
      throw corrupt(sessionId, 'escalated', escalated);
    }
    context.escalated = escalated === 'true';
  }
  for (const field of ['escalationTicketId', 'customerId', 'lastIntent'] as const) {
    const raw = record[field];
    if (raw !== undefined) context[field] = nullableString(sessionId, field, raw);
  }
  return context;
}
