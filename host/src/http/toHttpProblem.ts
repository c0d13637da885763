import { isToolhostError } from '@toolhost/plugin-sdk';
import type { ToolhostErrorCode } from '@toolhost/plugin-sdk/host';
import { isHostError, type HostErrorCode } from '../errors.js';
import { DISTRIBUTION_PROBLEMS } from './distributionProblems.js';
import { HttpProblem, type HttpProblemCode } from './problem.js';

/** Errors that mean "this plugin cannot be enabled as it stands"; their message is safe to show. */
const SDK_PLUGIN_REFUSALS: ReadonlySet<ToolhostErrorCode> = new Set<ToolhostErrorCode>([
  'TOOLHOST_ERR_PLUGIN_INVALID',
  'TOOLHOST_ERR_CONFIG_INVALID',
]);
const HOST_PLUGIN_REFUSALS: ReadonlySet<HostErrorCode> = new Set<HostErrorCode>([
  'TOOLHOST_ERR_MANIFEST_INVALID',
  'TOOLHOST_ERR_SDK_INCOMPATIBLE',
  'TOOLHOST_ERR_SECRET_MISSING',
  'TOOLHOST_ERR_PLUGIN_LOAD_FAILED',
]);

const CLIENT_STATUS_CODES: Readonly<Record<number, HttpProblemCode>> = {
  401: 'TOOLHOST_HTTP_UNAUTHORIZED',
  404: 'TOOLHOST_HTTP_NOT_FOUND',
  405: 'TOOLHOST_HTTP_METHOD_NOT_ALLOWED',
  413: 'TOOLHOST_HTTP_BODY_TOO_LARGE',
  415: 'TOOLHOST_HTTP_UNSUPPORTED_MEDIA_TYPE',
};

/** An `http-errors` style client error from Koa or a library, which marks its message safe to show. */
function exposedClientError(error: unknown): { status: number; message: string } | null {
  if (typeof error !== 'object' || error === null) return null;
  const { status, expose, message } = error as {
    status?: unknown;
    expose?: unknown;
    message?: unknown;
  };
  if (typeof status !== 'number' || status < 400 || status > 499 || expose !== true) return null;
  return { status, message: typeof message === 'string' ? message : 'bad request' };
}

/**
 * Maps anything a handler threw to the problem the client sees. Unknown errors become
 * TOOLHOST_HTTP_INTERNAL with a fixed detail, so no message or stack trace leaks.
 */
export function toHttpProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (isToolhostError(error)) {
    if (error.code === 'TOOLHOST_ERR_TOOL_UNKNOWN') {
      return new HttpProblem('TOOLHOST_HTTP_TOOL_UNKNOWN', error.message, { cause: error });
    }
    if (SDK_PLUGIN_REFUSALS.has(error.code)) {
      return new HttpProblem('TOOLHOST_HTTP_PLUGIN_REFUSED', error.message, { cause: error });
    }
  }
  if (isHostError(error)) {
    if (error.code === 'TOOLHOST_ERR_PLUGIN_UNKNOWN') {
      return new HttpProblem('TOOLHOST_HTTP_PLUGIN_UNKNOWN', error.message, { cause: error });
    }
    if (error.code === 'TOOLHOST_ERR_SESSION_UNAVAILABLE') {
      return new HttpProblem(
        'TOOLHOST_HTTP_UNAVAILABLE',
        'the session store is unavailable; retry shortly',
        {
          cause: error,
          headers: { 'Retry-After': '1' },
        },
      );
    }
    if (error.code === 'TOOLHOST_ERR_DATABASE_UNAVAILABLE') {
      return new HttpProblem(
        'TOOLHOST_HTTP_UNAVAILABLE',
        'a dependency of the host is unavailable',
        {
          cause: error,
        },
      );
    }
    if (error.code === 'TOOLHOST_ERR_BLOB_STORE_UNAVAILABLE') {
      return new HttpProblem('TOOLHOST_HTTP_UNAVAILABLE', 'the audit blob store is unavailable', {
        cause: error,
        headers: { 'Retry-After': '1' },
      });
    }
    if (error.code === 'TOOLHOST_ERR_AUDIT_FAILED') {
      // Answering without the audit row would break the audit guarantee: fail the request.
      return new HttpProblem(
        'TOOLHOST_HTTP_UNAVAILABLE',
        'the audit trail is unavailable, so the message was not answered; retry shortly',
        { cause: error, headers: { 'Retry-After': '1' } },
      );
    }
    const distribution = DISTRIBUTION_PROBLEMS[error.code];
    if (distribution) return new HttpProblem(distribution, error.message, { cause: error });
    if (HOST_PLUGIN_REFUSALS.has(error.code)) {
      return new HttpProblem('TOOLHOST_HTTP_PLUGIN_REFUSED', error.message, { cause: error });
    }
  }
  const client = exposedClientError(error);
  if (client) {
    const code = CLIENT_STATUS_CODES[client.status] ?? 'TOOLHOST_HTTP_BAD_REQUEST';
    return new HttpProblem(code, client.message, { cause: error, status: client.status });
  }
  return new HttpProblem('TOOLHOST_HTTP_INTERNAL', 'the server failed to answer this request', {
    cause: error,
  });
}
