import { HostError, isHostError } from '../errors.js';

function reasonOf(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  if (isHostError(cause)) return cause.message;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' || typeof code === 'number'
      ? `${cause.name} ${code}`
      : cause.name;
  }
  return 'unknown error';
}

/**
 * `TOOLHOST_ERR_AUDIT_FAILED`: `what` failed because of `cause` (an error or a reason). Host
 * errors keep their message (already free of passwords); other errors are named by class and
 * code only, since a driver's message may quote the statement and its values.
 */
export function auditFailed(what: string, cause: unknown): HostError {
  return new HostError(
    'TOOLHOST_ERR_AUDIT_FAILED',
    { details: `${what} (${reasonOf(cause)})` },
    typeof cause === 'string' ? undefined : { cause },
  );
}
