import type { Middleware } from 'koa';
import { isLoopbackHost } from '../auth/protectedMode.js';
import type { HttpState } from './HttpState.js';
import { HttpProblem } from './problem.js';

/**
 * Protected mode lets every local caller in without a key, so it must know the caller is
 * local. Listening on loopback is not enough: a web page whose name the attacker rebinds to
 * 127.0.0.1 (DNS rebinding) reaches us from the operator's own browser. Its requests still
 * name the attacker's host, so only requests addressed to a loopback name are answered.
 */
export function refuseForeignHost(): Middleware<HttpState> {
  return (ctx, next) => {
    const host = ctx.hostname;
    if (host !== '' && !isLoopbackHost(host)) {
      throw new HttpProblem(
        'TOOLHOST_HTTP_FORBIDDEN',
        'in protected mode (no API keys) the host answers only requests to a loopback host name',
      );
    }
    return next();
  };
}
