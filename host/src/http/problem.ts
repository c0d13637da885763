import type { ParameterizedContext } from 'koa';
import type { HttpState } from './HttpState.js';

/**
 * Stable codes of the HTTP API's `application/problem+json` answers, each with its
 * status and title. Every code is documented in docs/errors.md (a test keeps the two in step).
 */
export const HTTP_PROBLEMS = {
  TOOLHOST_HTTP_MALFORMED_JSON: { status: 400, title: 'Malformed JSON' },
  TOOLHOST_HTTP_INVALID_BODY: { status: 400, title: 'Invalid request body' },
  TOOLHOST_HTTP_INVALID_HEADER: { status: 400, title: 'Invalid request header' },
  TOOLHOST_HTTP_BAD_REQUEST: { status: 400, title: 'Bad request' },
  TOOLHOST_HTTP_UNAUTHORIZED: { status: 401, title: 'Unauthorized' },
  TOOLHOST_HTTP_FORBIDDEN: { status: 403, title: 'Forbidden' },
  TOOLHOST_HTTP_NOT_FOUND: { status: 404, title: 'Not found' },
  TOOLHOST_HTTP_TOOL_UNKNOWN: { status: 404, title: 'Unknown tool' },
  TOOLHOST_HTTP_PLUGIN_UNKNOWN: { status: 404, title: 'Unknown plugin' },
  TOOLHOST_HTTP_SESSION_UNKNOWN: { status: 404, title: 'Unknown session' },
  TOOLHOST_HTTP_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  TOOLHOST_HTTP_MESSAGE_IN_FLIGHT: { status: 409, title: 'Message in flight' },
  TOOLHOST_HTTP_CONFLICT: { status: 409, title: 'Conflict' },
  TOOLHOST_HTTP_BODY_TOO_LARGE: { status: 413, title: 'Request body too large' },
  TOOLHOST_HTTP_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  TOOLHOST_HTTP_PLUGIN_REFUSED: { status: 422, title: 'Plugin refused' },
  TOOLHOST_HTTP_IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'Idempotency key reused' },
  TOOLHOST_HTTP_TOO_MANY_SESSIONS: { status: 429, title: 'Too many sessions' },
  TOOLHOST_HTTP_INTERNAL: { status: 500, title: 'Internal server error' },
  TOOLHOST_HTTP_NOT_IMPLEMENTED: { status: 501, title: 'Not implemented' },
  TOOLHOST_HTTP_BAD_GATEWAY: { status: 502, title: 'Bad gateway' },
  TOOLHOST_HTTP_UNAVAILABLE: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type HttpProblemCode = keyof typeof HTTP_PROBLEMS;

/** The RFC 9457 body of every error answer. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: HttpProblemCode;
  requestId: string;
}

export interface HttpProblemOptions extends ErrorOptions {
  /** Overrides the catalog status; only for client errors passed through from Koa. */
  status?: number;
  headers?: Readonly<Record<string, string>>;
}

/** An error a handler throws to answer with a problem document. */
export class HttpProblem extends Error {
  readonly code: HttpProblemCode;
  readonly status: number;
  readonly detail: string;
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(code: HttpProblemCode, detail: string, options: HttpProblemOptions = {}) {
    super(`${code}: ${detail}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HttpProblem';
    this.code = code;
    this.status = options.status ?? HTTP_PROBLEMS[code].status;
    this.detail = detail;
    this.headers = options.headers;
  }
}

/** Writes `problem` as the response, keeping headers already set (Allow, X-Request-Id). */
export function sendProblem(ctx: ParameterizedContext<HttpState>, problem: HttpProblem): void {
  if (problem.headers) ctx.set(problem.headers);
  // The rest of an unread body stays on the socket; do not reuse it.
  if (problem.status === 413) ctx.set('Connection', 'close');
  ctx.status = problem.status;
  ctx.type = 'application/problem+json';
  const body: ProblemDocument = {
    type: `urn:toolhost:problem:${problem.code}`,
    title: HTTP_PROBLEMS[problem.code].title,
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
    requestId: ctx.state.requestId,
  };
  ctx.body = body;
}
