import { ROOT_CONTEXT, context, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

// W3C Trace Context whether or not the SDK registered a global propagator: the host reads
// and writes these headers itself, so they work with spans exported or not.
const w3c = new W3CTraceContextPropagator();

type Headers = Readonly<Record<string, string | string[] | undefined>>;

const getter = {
  keys: (carrier: Headers) => Object.keys(carrier),
  get: (carrier: Headers, key: string) => carrier[key.toLowerCase()],
};

/**
 * The caller's trace from incoming `traceparent` / `tracestate` (header names lowercase, as
 * Node gives them). A missing or malformed `traceparent` gives the root context: a new trace.
 */
export function extractTraceContext(headers: Headers): Context {
  return w3c.extract(ROOT_CONTEXT, headers, getter);
}

/**
 * `traceparent` (and `tracestate`) of the active span, for an outgoing request; empty when
 * no span is active.
 */
export function traceHeaders(active: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  w3c.inject(active, carrier, {
    set: (target, key, value) => {
      target[key] = value;
    },
  });
  return carrier;
}
