import { context } from '@opentelemetry/api';
import type { Middleware } from 'koa';
import { extractTraceContext } from '../telemetry/traceContext.js';
import type { HttpState } from './HttpState.js';

/**
 * Runs the rest of the request inside the caller's trace (W3C `traceparent`/`tracestate`),
 * so the agent's span, every tool span and the audit row's `trace_id` continue it. A missing
 * or malformed header starts a new trace.
 */
export function continueTrace(): Middleware<HttpState> {
  return (ctx, next) => {
    if (ctx.headers['traceparent'] === undefined) return next();
    return context.with(extractTraceContext(ctx.headers), next);
  };
}
