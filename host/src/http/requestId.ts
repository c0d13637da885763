import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import { ID_PATTERN } from '../session/assertSessionId.js';
import type { HttpState } from './HttpState.js';

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
