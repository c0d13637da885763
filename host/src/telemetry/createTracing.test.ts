import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { createTracing, type Tracing } from './createTracing.js';

let tracing: Tracing | null = null;

afterEach(async () => {
  await tracing?.shutdown();
  tracing = null;
});

async function body(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
}

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

    tracing.tracer.startSpan('tool.crm.lookup').end();

    expect(ended).toEqual(['tool.crm.lookup']);
  });

  it('with an endpoint exports spans over OTLP/HTTP to <endpoint>/v1/traces', async () => {
    const received: Array<{ url: string | undefined; type: string | undefined; body: string }> = [];
    const collector = createServer((request, response) => {
      void body(request).then((text) => {
        received.push({ url: request.url, type: request.headers['content-type'], body: text });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    try {
      tracing = createTracing({
        otlpEndpoint: `http://127.0.0.1:${port}/`,
        serviceName: 'toolhost-test',
      });

      const span = tracing.tracer.startSpan('tool.crm.lookup');
      expect(span.isRecording()).toBe(true);
      span.end();
      await tracing.shutdown();
      tracing = null;

      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ url: '/v1/traces', type: 'application/json' });
      expect(received[0]!.body).toContain('tool.crm.lookup');
      expect(received[0]!.body).toContain('toolhost-test');
    } finally {
      collector.closeAllConnections();
      await new Promise((resolve) => collector.close(resolve));
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
