import { isToolhostError, ToolhostError } from '@toolhost/plugin-sdk';

function reasonOf(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  if (isToolhostError(cause)) return cause.message;
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
export function auditFailed(what: string, cause: unknown): ToolhostError {
  return new ToolhostError(
    'TOOLHOST_ERR_AUDIT_FAILED',
    { details: `${what} (${reasonOf(cause)})` },
    typeof cause === 'string' ? undefined : { cause },
  );
}
