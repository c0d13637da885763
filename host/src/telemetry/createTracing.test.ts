import { context, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { createTracing, type Tracing } from './createTracing.js';
import { startOtlpReceiver } from './startOtlpReceiver.js';

let tracing: Tracing | null = null;

afterEach(async () => {
  await tracing?.shutdown();
  tracing = null;
});

describe('createTracing', () => {
  it('without an endpoint creates spans with real ids that nest across await, without recording them', async () => {
    tracing = createTracing({ otlpEndpoint: null });
    const { tracer } = tracing;

    const outer = tracer.startSpan('outer');
    const inner = await context.with(trace.setSpan(context.active(), outer), async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return tracer.startSpan('inner');
    });

    expect(trace.isSpanContextValid(outer.spanContext())).toBe(true);
    expect(outer.isRecording()).toBe(false);
    expect(inner.spanContext().traceId).toBe(outer.spanContext().traceId);
    inner.end();
    outer.end();
  });

  it('records every span into the given processors when asked', async () => {
    const ended: string[] = [];
    tracing = createTracing({
      otlpEndpoint: null,
      spanProcessors: [
        {
          onStart() {},
          onEnd: (span) => ended.push(span.name),
          forceFlush: async () => {},
          shutdown: async () => {},
        },
      ],
    });

    tracing.tracer.startSpan('execute_tool crm.lookup').end();

    expect(ended).toEqual(['execute_tool crm.lookup']);
  });

  it('with an endpoint exports spans over OTLP/HTTP to <endpoint>/v1/traces, in the batch delay', async () => {
    const receiver = await startOtlpReceiver();
    try {
      tracing = createTracing({
        otlpEndpoint: `${receiver.endpoint}/`,
        serviceName: 'toolhost-test',
        exportDelayMs: 10,
      });

      const parent = tracing.tracer.startSpan('agent.process_message');
      const span = tracing.tracer.startSpan(
        'execute_tool crm.lookup',
        { attributes: { 'gen_ai.tool.name': 'crm.lookup', 'toolhost.attempts': 2 } },
        trace.setSpan(context.active(), parent),
      );
      expect(span.isRecording()).toBe(true);
      span.end();
      parent.end();
      // Exported by the batch timer, before any shutdown flushes it.
      const spans = await receiver.waitFor((received) => received.length === 2);

      expect(receiver.refused).toEqual([]);
      const [tool, agent] = spans;
      expect(tool).toEqual({
        serviceName: 'toolhost-test',
        traceId: parent.spanContext().traceId,
        spanId: span.spanContext().spanId,
        parentSpanId: parent.spanContext().spanId,
        name: 'execute_tool crm.lookup',
        kind: 1,
        attributes: { 'gen_ai.tool.name': 'crm.lookup', 'toolhost.attempts': 2 },
      });
      expect(agent).toMatchObject({ name: 'agent.process_message', parentSpanId: null });
    } finally {
      await receiver.stop();
    }
  });

  it('can be created again once shut down', async () => {
    await createTracing({ otlpEndpoint: null }).shutdown();
    tracing = createTracing({ otlpEndpoint: null });

    const span = tracing.tracer.startSpan('again');
    const active = context.with(trace.setSpan(context.active(), span), () => trace.getActiveSpan());

    expect(active).toBe(span);
  });
});
