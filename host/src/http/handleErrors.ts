import type { Middleware, ParameterizedContext } from 'koa';
import type { Logger } from 'winston';
import type { HttpState } from './HttpState.js';
import { HttpProblem, sendProblem } from './problem.js';
import { toHttpProblem } from './toHttpProblem.js';

/** Koa's default 404 and the router's 405/501 arrive without a body; give them a problem. */
function problemForEmptyError(ctx: ParameterizedContext<HttpState>): HttpProblem {
  switch (ctx.status) {
    case 404:
      return new HttpProblem('TOOLHOST_HTTP_NOT_FOUND', `no route matches ${ctx.path}`);
    case 405:
      return new HttpProblem(
        'TOOLHOST_HTTP_METHOD_NOT_ALLOWED',
        `${ctx.method} is not allowed here; allowed: ${ctx.response.get('Allow')}`,
      );
    case 501:
      return new HttpProblem(
        'TOOLHOST_HTTP_NOT_IMPLEMENTED',
        `method ${ctx.method} is not supported`,
      );
    default:
      return ctx.status < 500
        ? new HttpProblem('TOOLHOST_HTTP_BAD_REQUEST', 'the request was refused', {
            status: ctx.status,
          })
        : new HttpProblem('TOOLHOST_HTTP_INTERNAL', 'the server failed to answer this request');
  }
}

function errorFields(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    return { error_name: error.name, error_message: error.message, stack: error.stack };
  }
  return { error_message: String(error) };
}

/**
 * Turns every error below it into an `application/problem+json` answer. Server errors are
 * logged at error with their cause; a refused key (401, 403) at warn with the key's name
 * when known; other client errors at info: they are the caller's, not the host's.
 */
export function handleErrors(logger: Logger): Middleware<HttpState> {
  return async (ctx, next) => {
    try {
      await next();
      // A handler that wrote its own answer (`ctx.respond = false`, the MCP transport) is done.
      if (ctx.respond !== false && ctx.body == null && ctx.status >= 400)
        sendProblem(ctx, problemForEmptyError(ctx));
    } catch (error: unknown) {
      const problem = toHttpProblem(error);
      if (problem.status >= 500) {
        logger.error('http request failed', {
          request_id: ctx.state.requestId,
          code: problem.code,
          ...errorFields(problem.cause ?? error),
        });
      } else {
        const refusedKey = problem.status === 401 || problem.status === 403;
        logger.log(refusedKey ? 'warn' : 'info', 'http request refused', {
          request_id: ctx.state.requestId,
          status: problem.status,
          code: problem.code,
          ...(ctx.state.principal ? { key: ctx.state.principal.name } : {}),
        });
      }
      sendProblem(ctx, problem);
    }
  };
}
