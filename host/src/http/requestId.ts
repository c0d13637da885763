import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { HttpState } from './HttpState.js';

/** What a caller-supplied request or session id may look like. */
export const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Takes the caller's `X-Request-Id` when it matches ID_PATTERN, otherwise a fresh uuid;
 * puts it on `ctx.state.requestId` and echoes it in the response.
 */
export function requestId(): Middleware<HttpState> {
  return (ctx, next) => {
    const given = ctx.get('X-Request-Id');
    const id = given !== '' && ID_PATTERN.test(given) ? given : randomUUID();
    ctx.state.requestId = id;
    ctx.set('X-Request-Id', id);
    return next();
  };
}
