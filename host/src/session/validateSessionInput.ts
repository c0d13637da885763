import type {
  ListActiveOptions,
  SessionCounter,
  SessionPatch,
  SessionReplacement,
} from './SessionStore.js';

const NULLABLE_STRINGS = ['escalationTicketId', 'customerId', 'lastIntent'] as const;
const PATCH_FIELDS = new Set<string>(['escalated', 'failureCount', ...NULLABLE_STRINGS]);
const REPLACEMENT_FIELDS = new Set<string>([...PATCH_FIELDS, 'messageCount']);

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function checkFields(input: unknown, allowed: ReadonlySet<string>, what: string): void {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError(`A session ${what} must be an object`);
  }
  const record = input as Record<string, unknown>;
  for (const [field, value] of Object.entries(record)) {
    if (value === undefined) continue;
    if (!allowed.has(field)) {
      throw new TypeError(
        `A session ${what} cannot set '${field}'; allowed: ${[...allowed].join(', ')}`,
      );
    }
    const ok =
      field === 'escalated'
        ? typeof value === 'boolean'
        : field === 'failureCount' || field === 'messageCount'
          ? isCount(value)
          : value === null || typeof value === 'string';
    if (!ok) {
      const expected =
        field === 'escalated'
          ? 'a boolean'
          : field.endsWith('Count')
            ? 'a non-negative safe integer'
            : 'a string or null';
      throw new TypeError(`Session field '${field}' must be ${expected}`);
    }
  }
}

/** The patch without its `undefined` entries. @throws TypeError for an unknown field or a wrong type. */
export function validatePatch(patch: unknown): SessionPatch {
  checkFields(patch, PATCH_FIELDS, 'patch');
  return withoutUndefined(patch as SessionPatch);
}

/** @throws TypeError for an unknown field or a wrong type. */
export function validateReplacement(context: unknown): SessionReplacement {
  checkFields(context, REPLACEMENT_FIELDS, 'context');
  return withoutUndefined(context as SessionReplacement);
}

/** @throws TypeError unless `field` is a counter and `by` a non-negative safe integer. */
export function validateIncrement(field: unknown, by: unknown): void {
  if (field !== 'messageCount' && field !== 'failureCount') {
    throw new TypeError(
      `Cannot increment '${String(field)}': counters are messageCount, failureCount`,
    );
  }
  if (!isCount(by)) {
    throw new TypeError(
      `Cannot increment ${field as SessionCounter} by ${String(by)}: use a non-negative safe integer`,
    );
  }
}

/** @throws TypeError for a limit that is not a non-negative integer or a window that is not positive. */
export function validateListOptions(options: ListActiveOptions): void {
  const { limit, activeWithinSeconds } = options;
  if (limit !== undefined && !isCount(limit)) {
    throw new TypeError(
      `listActive limit must be a non-negative safe integer, got ${String(limit)}`,
    );
  }
  if (
    activeWithinSeconds !== undefined &&
    !(
      typeof activeWithinSeconds === 'number' &&
      activeWithinSeconds > 0 &&
      Number.isFinite(activeWithinSeconds)
    )
  ) {
    throw new TypeError(
      `listActive activeWithinSeconds must be a positive number, got ${String(activeWithinSeconds)}`,
    );
  }
}

/** @throws TypeError unless `ttlSeconds` is a positive finite number. */
export function validateTtl(ttlSeconds: unknown): number {
  if (typeof ttlSeconds === 'number' && ttlSeconds > 0 && Number.isFinite(ttlSeconds)) {
    return ttlSeconds;
  }
  throw new TypeError(
    `A session TTL must be a positive number of seconds, got ${String(ttlSeconds)}`,
  );
}

function withoutUndefined<T extends object>(input: T): T {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as T;
}

const OWNER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** What an Idempotency-Key may look like: 1–255 visible ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** @throws TypeError unless `owner` is a key name. */
export function validateOwner(owner: unknown): string {
  if (typeof owner === 'string' && OWNER.test(owner)) return owner;
  throw new TypeError(`A session owner must be an API key name, got ${JSON.stringify(owner)}`);
}

/** @throws TypeError for a claim whose key, fingerprint or token is not a fitting string. */
export function validateClaim(claim: unknown): void {
  const { key, fingerprint, token } = (claim ?? {}) as Record<string, unknown>;
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new TypeError('An idempotency key must be 1–255 visible ASCII characters');
  }
  if (typeof fingerprint !== 'string' || fingerprint === '') {
    throw new TypeError('An idempotency claim needs a fingerprint');
  }
  if (typeof token !== 'string' || token === '') {
    throw new TypeError('An idempotency claim needs a token');
  }
}
