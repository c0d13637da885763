import type { Middleware, ParameterizedContext } from 'koa';
import type { KeyRing } from '../auth/KeyRing.js';
import { hasAnyScope, type Principal } from '../auth/Principal.js';
import type { ApiKeyScope } from '../config/Settings.js';
import type { HttpState } from './HttpState.js';
import { HttpProblem } from './problem.js';

/**
 * Lets a request through with `Authorization: Bearer <key>` of a key holding one of
 * `scopes` (any key at all for an empty list), and puts its principal on `ctx.state`.
 * 401 without a key or with an unknown one, 403 with a key that lacks the scope. In
 * protected mode every caller is the anonymous principal.
 */
export function requireScope(keys: KeyRing, scopes: readonly ApiKeyScope[]): Middleware<HttpState> {
  const needed = scopes.join(' ');
  return (ctx, next) => {
    const authentication = keys.authenticate(ctx.get('Authorization'));
    if (!authentication.ok) {
      throw authentication.failure === 'missing'
        ? new HttpProblem(
            'TOOLHOST_HTTP_UNAUTHORIZED',
            'an API key is required (Authorization: Bearer <key>)',
            {
              headers: { 'WWW-Authenticate': 'Bearer' },
            },
          )
        : new HttpProblem('TOOLHOST_HTTP_UNAUTHORIZED', 'the API key is not valid', {
            headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
          });
    }
    const { principal } = authentication;
    ctx.state.principal = principal;
    if (scopes.length > 0 && !hasAnyScope(principal, scopes)) {
      throw new HttpProblem(
        'TOOLHOST_HTTP_FORBIDDEN',
        `key '${principal.name}' lacks the scope this route needs (${scopes.join(' or ')})`,
        { headers: { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${needed}"` } },
      );
    }
    return next();
  };
}

/** The principal `requireScope` put on the context; a route without it is a wiring bug. */
export function principalOf(ctx: ParameterizedContext<HttpState>): Principal {
  const { principal } = ctx.state;
  if (principal === undefined) throw new Error(`route ${ctx.path} runs without requireScope`);
  return principal;
}
