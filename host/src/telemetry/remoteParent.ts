import { ROOT_CONTEXT, trace, TraceFlags, type Context } from '@opentelemetry/api';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const INVALID_TRACE = /^0+$/;

/**
 * The context of a W3C `traceparent` a caller sent (version 00 only), so the spans made
 * for it join the caller's trace; `fallback` when the value is absent or malformed.
 * Parsed here rather than through the global propagator, which only the exporting
 * tracing registers.
 */
export function remoteParent(traceparent: unknown, fallback: Context = ROOT_CONTEXT): Context {
  if (typeof traceparent !== 'string' || traceparent.length !== 55) return fallback;
  const match = TRACEPARENT.exec(traceparent);
  if (match === null) return fallback;
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string];
  if (INVALID_TRACE.test(traceId) || INVALID_TRACE.test(spanId)) return fallback;
  return trace.setSpanContext(fallback, {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  });
}
