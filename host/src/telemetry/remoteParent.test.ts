import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { remoteParent } from './remoteParent.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('remoteParent', () => {
  it('continues a W3C traceparent', () => {
    const parent = trace.getSpanContext(remoteParent(`00-${TRACE}-${SPAN}-01`));
    expect(parent).toEqual({ traceId: TRACE, spanId: SPAN, traceFlags: 1, isRemote: true });
  });

  it.each([
    undefined,
    42,
    '',
    `01-${TRACE}-${SPAN}-01`,
    `00-${TRACE.toUpperCase()}-${SPAN}-01`,
    `00-${'0'.repeat(32)}-${SPAN}-01`,
    `00-${TRACE}-${'0'.repeat(16)}-01`,
    `00-${TRACE}-${SPAN}-01-extra`,
  ])('ignores %j', (value) => {
    expect(remoteParent(value)).toBe(ROOT_CONTEXT);
  });
});
