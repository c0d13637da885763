import { performance } from 'node:perf_hooks';
import type { RouterContext } from '@koa/router';
import type { Middleware, ParameterizedContext } from 'koa';
import type { Logger } from 'winston';
import type { HttpMetrics } from './HttpMetrics.js';
import type { HttpState } from './HttpState.js';

/** The metrics label of requests no route matched, so paths never become labels. */
export const UNMATCHED_ROUTE = 'unmatched';

/** The route template that answered (`/v1/tools/:tool/invoke`), or the one whose path matched a wrong method. */
function routeOf(ctx: ParameterizedContext<HttpState>): string | null {
  const routed = ctx as unknown as Pick<RouterContext, '_matchedRoute' | 'matched'>;
  const route =
    routed._matchedRoute ?? routed.matched?.find((layer) => layer.methods.length > 0)?.path;
  return route === undefined ? null : String(route);
}

/**
 * One log line and one metrics observation per request; never bodies or keys. A message's
 * line also carries its outcome (intent, each tool call's outcome), so a message logs one
 * info line; per-call lines are at debug.
 */
export function accessLog(logger: Logger, metrics: HttpMetrics): Middleware<HttpState> {
  return async (ctx, next) => {
    const start = performance.now();
    try {
      await next();
    } finally {
      const ms = performance.now() - start;
      const route = routeOf(ctx);
      metrics.observe(ctx.method, route ?? UNMATCHED_ROUTE, ctx.status, ms / 1000);
      if (logger.isInfoEnabled()) {
        logger.info('http request', {
          request_id: ctx.state.requestId,
          method: ctx.method,
          route,
          status: ctx.status,
          duration_ms: Math.round(ms * 1000) / 1000,
          // Who called (the key's name, never the key), when the route asked.
          ...(ctx.state.principal && { key: ctx.state.principal.name }),
          ...ctx.state.logFields,
        });
      }
    }
  };
}
