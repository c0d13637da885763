import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../host/src/manifests/Manifest.js';
import {
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from '../host/src/telemetry/startOtlpReceiver.js';
import { bearer, CLIENT, keysEnv } from './support/apiKeys.js';
import { REPO_PLUGINS_DIR, useBuiltinManifests } from './support/builtinPlugins.js';
import { startCrmServer, type CrmServer } from './support/crmServer.js';
import { startTestHost, type TestHost } from './support/testHost.js';

const ADMIN_TOKEN = 'traces-admin-token-0123456789';
const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`;

let crm: CrmServer;
let receiver: OtlpReceiver;
let t: TestHost | null = null;
beforeAll(async () => {
  crm = await startCrmServer();
  process.env['CRM_API_KEY'] = crm.apiKey;
});
afterAll(async () => {
  await crm.close();
  delete process.env['CRM_API_KEY'];
});
afterEach(async () => {
  await t?.stop();
  t = null;
  await receiver.stop();
});

function crmManifest(isolation: NonNullable<Manifest['isolation']>): Manifest {
  return {
    name: 'crm',
    enabled: true,
    source: { path: 'crm' },
    isolation,
    config: { baseUrl: crm.url },
    secrets: { apiKey: { env: 'CRM_API_KEY' } },
    permissions: { http: [crm.url] },
  };
}

async function start(
  crmIsolation: NonNullable<Manifest['isolation']> = 'inline',
  env: Record<string, string> = {},
): Promise<TestHost> {
  return startWith(crmIsolation, env);
}

async function startWith(
  crmIsolation: NonNullable<Manifest['isolation']>,
  env: Record<string, string>,
): Promise<TestHost> {
  receiver = await startOtlpReceiver();
  t = await startTestHost(
    (dirs) => {
      useBuiltinManifests(dirs, ['rag', 'memory', 'escalation']);
      dirs.writeManifest(crmManifest(crmIsolation));
    },
    {
      TOOLHOST_PLUGINS_DIR: REPO_PLUGINS_DIR,
      TOOLHOST_ADMIN_TOKEN: ADMIN_TOKEN,
      ...keysEnv(CLIENT),
      TOOLHOST_WATCH_MANIFESTS: 'false',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '20',
      ...env,
    },
  );
  return t;
}

function send(host: TestHost, sessionId: string, headers: Record<string, string>) {
  return host.request(`/v1/sessions/${sessionId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(CLIENT), ...headers },
    body: JSON.stringify({ text: 'How do refunds work?' }),
  });
}

async function auditTraceIds(host: TestHost, sessionId: string): Promise<Array<string | null>> {
  const { body } = await host.request(`/v1/sessions/${sessionId}/audit`, {
    headers: bearer(ADMIN_TOKEN),
  });
  return (body as { entries: Array<{ traceId: string | null }> }).entries.map((e) => e.traceId);
}

const inTrace = (traceId: string) => (spans: readonly ReceivedSpan[]) =>
  spans.filter((s) => s.traceId === traceId);

describe('W3C trace context through the host, exported over OTLP/HTTP', () => {
  it("continues the caller's trace through the agent, every tool span and the audit row", async () => {
    const host = await start();
    const answer = await send(host, 's-trace', {
      traceparent: TRACEPARENT,
      tracestate: 'vendor=opaque',
    });
    expect(answer.status).toBe(200);
    expect(await auditTraceIds(host, 's-trace')).toEqual([CALLER_TRACE]);

    const spans = inTrace(CALLER_TRACE)(
      await receiver.waitFor((all) => inTrace(CALLER_TRACE)(all).length >= 3),
    );
    const agent = spans.find((s) => s.name === 'agent.process_message');
    expect(agent).toMatchObject({ parentSpanId: CALLER_SPAN, serviceName: 'toolhost' });
    const tools = spans.filter((s) => s.name.startsWith('execute_tool '));
    expect(tools.map((s) => s.name).sort()).toEqual([
      'execute_tool memory.remember',
      'execute_tool rag.search',
    ]);
    const callIds = new Set<unknown>();
    for (const tool of tools) {
      expect(tool.parentSpanId).toBe(agent?.spanId);
      expect(tool.attributes).toMatchObject({
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': tool.name.slice('execute_tool '.length),
        'gen_ai.tool.type': 'extension',
      });
      callIds.add(tool.attributes['gen_ai.tool.call.id']);
    }
    expect(callIds.size).toBe(2);
    expect(receiver.refused).toEqual([]);
  });

  it.each(['inline', 'worker', 'process'] as const)(
    "sends traceparent on a plugin's ctx.http call (%s): the caller's trace, the tool span as parent",
    async (isolation) => {
      const host = await start(isolation);
      const before = crm.traceHeaders.length;
      const called = await host.request('/v1/tools/crm.lookup_customer/invoke', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...bearer(CLIENT),
          traceparent: TRACEPARENT,
          tracestate: 'vendor=opaque',
        },
        body: JSON.stringify({ input: { customerId: 'C-1001' } }),
      });
      expect(called.status).toBe(200);
      const [outgoing] = crm.traceHeaders.slice(before);
      const spans = await receiver.waitFor((all) =>
        all.some((s) => s.name === 'execute_tool crm.lookup_customer'),
      );
      const tool = spans.find((s) => s.name === 'execute_tool crm.lookup_customer');
      expect(tool).toMatchObject({ traceId: CALLER_TRACE, parentSpanId: CALLER_SPAN });
      expect(outgoing).toEqual({
        traceparent: `00-${CALLER_TRACE}-${tool?.spanId}-01`,
        tracestate: 'vendor=opaque',
      });
    },
  );

  it.each([
    ['not hex', `00-${'z'.repeat(32)}-${CALLER_SPAN}-01`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${CALLER_SPAN}-01`],
    ['an all-zero span id', `00-${CALLER_TRACE}-${'0'.repeat(16)}-01`],
    ['version ff', `ff-${CALLER_TRACE}-${CALLER_SPAN}-01`],
    ['too short', `00-${CALLER_TRACE.slice(2)}-${CALLER_SPAN}-01`],
  ])('ignores a malformed traceparent (%s) and starts a new trace', async (_what, traceparent) => {
    const host = await start();
    expect((await send(host, 's-bad', { traceparent })).status).toBe(200);
    const [traceId] = await auditTraceIds(host, 's-bad');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe(CALLER_TRACE);
    expect(traceId).not.toBe('0'.repeat(32));
    const spans = await receiver.waitFor((all) =>
      all.some((s) => s.name === 'agent.process_message'),
    );
    expect(spans.find((s) => s.name === 'agent.process_message')).toMatchObject({
      traceId,
      parentSpanId: null,
    });
  });

  it('with TOOLHOST_ACCEPT_TRACEPARENT=false ignores a valid traceparent: callers cannot pick trace ids', async () => {
    const host = await start('inline', { TOOLHOST_ACCEPT_TRACEPARENT: 'false' });
    expect((await send(host, 's-untrusted', { traceparent: TRACEPARENT })).status).toBe(200);
    const [traceId] = await auditTraceIds(host, 's-untrusted');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe(CALLER_TRACE);
  });
});
