import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import type { HttpState } from './HttpState.js';
import { HttpProblem } from './problem.js';

const BEARER = /^Bearer +(\S+) *$/i;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Lets a request through only with `Authorization: Bearer <token>`. Both sides are
 * hashed first, so the constant-time comparison also hides the token's length.
 */
export function bearerAuth(token: string): Middleware<HttpState> {
  const expected = digest(token);
  return (ctx, next) => {
    const match = BEARER.exec(ctx.get('Authorization'));
    if (!match) {
      throw new HttpProblem('TOOLHOST_HTTP_UNAUTHORIZED', 'a bearer token is required', {
        headers: { 'WWW-Authenticate': 'Bearer' },
      });
    }
    if (!timingSafeEqual(digest(match[1] as string), expected)) {
      throw new HttpProblem('TOOLHOST_HTTP_UNAUTHORIZED', 'the bearer token is not valid', {
        headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
      });
    }
    return next();
  };
}
