import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractTraceContext } from './traceContext.js';
import { tracedFetch } from './tracedFetch.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => context.disable());

function capture() {
  const seen: Headers[] = [];
  const fetch = tracedFetch(async (_input, init) => {
    seen.push(new Headers(init?.headers));
    return new Response('ok');
  });
  return { seen, fetch };
}

const active = trace.setSpanContext(context.active(), {
  traceId: TRACE,
  spanId: SPAN,
  traceFlags: TraceFlags.SAMPLED,
});

describe('tracedFetch', () => {
  it('adds the active span as traceparent, keeping the other headers', async () => {
    const { seen, fetch } = capture();
    await context.with(active, () => fetch('http://x/', { headers: { accept: 'a/b' } }));
    expect(seen[0]?.get('traceparent')).toBe(`00-${TRACE}-${SPAN}-01`);
    expect(seen[0]?.get('accept')).toBe('a/b');
  });

  it('adds nothing without an active span', async () => {
    const { seen, fetch } = capture();
    await fetch('http://x/');
    expect(seen[0]?.has('traceparent')).toBe(false);
  });

  it('keeps a traceparent the plugin set itself', async () => {
    const { seen, fetch } = capture();
    const own = `00-${'1'.repeat(32)}-${'2'.repeat(16)}-00`;
    await context.with(active, () => fetch('http://x/', { headers: { TraceParent: own } }));
    expect(seen[0]?.get('traceparent')).toBe(own);
  });
});

describe('extractTraceContext', () => {
  it('reads traceparent and tracestate', () => {
    const span = trace.getSpanContext(
      extractTraceContext({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: 'a=1' }),
    );
    expect(span).toMatchObject({ traceId: TRACE, spanId: SPAN, isRemote: true });
    expect(span?.traceState?.get('a')).toBe('1');
  });

  it.each(['', 'garbage', `00-${TRACE}-${SPAN}`, `00-${TRACE.toUpperCase()}-${SPAN}-01`])(
    'gives no span for %j',
    (traceparent) => {
      expect(trace.getSpanContext(extractTraceContext({ traceparent }))).toBeUndefined();
    },
  );
});
