import { afterEach, describe, expect, it } from 'vitest';
import type { AgentResponse } from '../host/src/agent/AgentResponse.js';
import { sessionIdForTools } from '../host/src/session/sessionOwner.js';
import { bearer, CLIENT, keysEnv } from './support/apiKeys.js';
import { REPO_PLUGINS_DIR, useBuiltinManifests } from './support/builtinPlugins.js';
import { ANONYMOUS_OWNER } from '../host/src/session/sessionOwner.js';
import { startHost } from '../host/src/startHost.js';
import { createInMemoryTracing } from '../host/src/telemetry/createInMemoryTracing.js';
import { createCapturingLogger } from './support/capturingLogger.js';
import { createHostDirs, startTestHost, testSettings, type TestHost } from './support/testHost.js';

const BUILTINS = ['rag', 'memory', 'escalation'];
const ADMIN_TOKEN = 'test-admin-token-0123456789';

let running: TestHost | null = null;
afterEach(async () => {
  await running?.stop();
  running = null;
});

async function start(
  prepare = (dirs: Parameters<Parameters<typeof startTestHost>[0] & object>[0]) =>
    useBuiltinManifests(dirs, BUILTINS),
) {
  running = await startTestHost(prepare, {
    TOOLHOST_PLUGINS_DIR: REPO_PLUGINS_DIR,
    TOOLHOST_ADMIN_TOKEN: ADMIN_TOKEN,
    ...keysEnv(CLIENT),
  });
  return running;
}

async function send(
  t: TestHost,
  sessionId: string,
  text: string,
  extra: Record<string, string> = {},
) {
  const response = await t.request(`/v1/sessions/${sessionId}/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-request-id': `req-${sessionId}-${Math.random().toString(36).slice(2)}`,
      ...bearer(CLIENT),
    },
    body: JSON.stringify({ text, ...extra }),
  });
  return {
    status: response.status,
    body: response.body as AgentResponse,
    headers: response.headers,
  };
}

describe('the support agent over HTTP', () => {
  it('answers a knowledge question with sources and tool metadata', async () => {
    const t = await start();
    const { status, body, headers } = await send(
      t,
      's-knowledge',
      'How long does a refund take to reach my card?',
    );
    expect(status).toBe(200);
    expect(body.requestId).toBe(headers.get('x-request-id'));
    expect(body.sessionId).toBe('s-knowledge');
    expect(body.sources.length).toBeGreaterThan(0);
    expect(body.sources[0]?.title).toMatch(/refund/i);
    expect(body.reply).toContain(body.sources[0]?.title);
    expect(Object.keys(body.toolMetadata).sort()).toEqual(['memory.remember', 'rag.search']);
    expect(body.toolMetadata['rag.search']).toMatchObject({
      outcome: 'success',
      errorCode: null,
      attempts: 1,
    });
    expect(body.toolMetadata['rag.search']?.metadata).toMatchObject({ source: 'rag' });
    expect(body.escalation).toBeNull();

    const metrics = await fetch(`${t.host.url}/metrics`, { headers: bearer(CLIENT) }).then((r) =>
      r.text(),
    );
    expect(metrics).toContain(
      'toolhost_tool_calls_total{tool="rag.search",outcome="success",error_code=""} 1',
    );

    const session = await t.request('/v1/sessions/s-knowledge', { headers: bearer(CLIENT) });
    expect(session.body).toMatchObject({
      messageCount: 1,
      escalated: false,
      lastIntent: 'knowledge',
    });
  });

  it("logs one info line per message, carrying each tool call's outcome; per-call lines only at debug", async () => {
    const t = await start();
    const { status, headers } = await send(t, 's-log', 'How do I reset my password?');
    expect(status).toBe(200);
    const mine = t.lines.filter((line) => line['request_id'] === headers.get('x-request-id'));
    expect(mine.filter((line) => line.level === 'info')).toEqual([
      expect.objectContaining({
        message: 'http request',
        route: '/v1/sessions/:sessionId/messages',
        status: 200,
        key: CLIENT.name,
        session_id: 's-log',
        intent: 'knowledge',
        escalated: false,
        pii_redacted: false,
        tools: [
          expect.objectContaining({ tool: 'rag.search', outcome: 'success', error_code: null }),
          expect.objectContaining({ tool: 'memory.remember', outcome: 'success', attempts: 1 }),
        ],
      }),
    ]);
    expect(mine.filter((line) => line.message === 'tool call finished')).toEqual([]);
    expect(JSON.stringify(mine)).not.toContain('reset my password');
  });

  it('opens a ticket when the customer asks for a person, and flags the session', async () => {
    const t = await start();
    const { body } = await send(t, 's-human', 'This is useless, I want to talk to a human please');
    expect(body.escalation).toMatchObject({ created: true });
    expect(body.escalation?.ticketId).toMatch(/^TCK-/);
    expect(body.reply).toContain(body.escalation?.ticketId);
    expect(body.toolMetadata['escalation.create_ticket']).toMatchObject({ outcome: 'success' });

    const session = await t.request('/v1/sessions/s-human', { headers: bearer(CLIENT) });
    expect(session.body).toMatchObject({
      escalated: true,
      escalationTicketId: body.escalation?.ticketId,
      lastIntent: 'human',
    });

    const again = await send(t, 's-human', 'Can I speak to a human?');
    expect(again.body.escalation).toEqual({ ticketId: body.escalation?.ticketId, created: false });
    expect(again.body.toolMetadata['escalation.create_ticket']).toBeUndefined();
  });

  it('two messages asking for a person at the same moment open one ticket', async () => {
    const t = await start();
    const [a, b] = await Promise.all([
      send(t, 's-double', 'I want to talk to a human'),
      send(t, 's-double', 'I want to talk to a human'),
    ]);
    expect(a.body.escalation?.ticketId).toBe(b.body.escalation?.ticketId);
    expect([a.body.escalation?.created, b.body.escalation?.created].filter(Boolean)).toHaveLength(
      1,
    );
  });

  it('escalates after repeated turns without an answer', async () => {
    const t = await start();
    const nonsense = 'qwxz vlorp grimble';
    expect((await send(t, 's-fail', nonsense)).body.escalation).toBeNull();
    expect((await send(t, 's-fail', nonsense)).body.escalation).toBeNull();
    const third = await send(t, 's-fail', nonsense);
    expect(third.body.escalation).toMatchObject({ created: true });
  });

  it('keeps answering when a plugin is disabled, with a degraded reply', async () => {
    const t = await start();
    const disabled = await t.request('/v1/admin/plugins/rag/disable', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(disabled.status).toBe(200);
    const { status, body } = await send(t, 's-no-rag', 'How do I reset my password?');
    expect(status).toBe(200);
    expect(body.sources).toEqual([]);
    expect(body.toolMetadata['rag.search']).toBeUndefined();
    expect(body.reply).toContain("I couldn't find an answer");
  });

  it('keeps answering when a plugin throws', async () => {
    const t = await start((dirs) => {
      useBuiltinManifests(dirs, ['memory', 'escalation']);
      dirs.addPlugin('rag-broken');
      dirs.writeManifest({
        name: 'rag',
        enabled: true,
        source: { path: `${dirs.pluginsDir}/rag-broken` },
      });
    });
    const { status, body } = await send(t, 's-broken', 'How do I reset my password?');
    expect(status).toBe(200);
    expect(body.toolMetadata['rag.search']).toMatchObject({
      outcome: 'failure',
      errorCode: 'internal',
    });
    expect(body.reply).toContain('Some of our systems are not answering right now');
  });

  it('never hands raw PII to the tools', async () => {
    const t = await start();
    await send(
      t,
      's-pii',
      'My card 4111 1111 1111 1111 was charged twice, email me at ann@example.com',
    );
    const recalled = await t.host.invoker.invoke(
      'memory.recall',
      {},
      { requestId: 'r', sessionId: sessionIdForTools(CLIENT.name, 's-pii') },
    );
    const notes = JSON.stringify(recalled.result.data);
    expect(notes).toContain('[CARD]');
    expect(notes).toContain('[EMAIL]');
    expect(notes).not.toContain('4111');
    expect(notes).not.toContain('ann@example.com');
  });

  it('refuses malformed messages with problem+json', async () => {
    const t = await start();
    const empty = await t.request('/v1/sessions/s1/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(CLIENT) },
      body: JSON.stringify({ text: '' }),
    });
    expect(empty.status).toBe(400);
    expect(empty.headers.get('content-type')).toContain('application/problem+json');
    expect(empty.body).toMatchObject({ code: 'TOOLHOST_HTTP_INVALID_BODY' });
    const badId = await t.request('/v1/sessions/bad%20id/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(CLIENT) },
      body: JSON.stringify({ text: 'hi' }),
    });
    expect(badId.status).toBe(400);
    const unknown = await t.request('/v1/sessions/never-seen', { headers: bearer(CLIENT) });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'TOOLHOST_HTTP_SESSION_UNKNOWN' });
  });
});

describe('agent telemetry', () => {
  it('one agent.process_message span parents the tool spans, all carrying the request id', async () => {
    const tracing = createInMemoryTracing();
    const dirs = createHostDirs();
    useBuiltinManifests(dirs, BUILTINS);
    const host = await startHost(testSettings(dirs, { TOOLHOST_PLUGINS_DIR: REPO_PLUGINS_DIR }), {
      logger: createCapturingLogger().logger,
      tracing,
    });
    try {
      await host.agent.processMessage({
        sessionId: 's-trace',
        text: 'How do refunds work?',
        requestId: 'req-trace-1',
        owner: ANONYMOUS_OWNER,
      });
      const spans = tracing.exporter.getFinishedSpans();
      const agentSpan = spans.find((span) => span.name === 'agent.process_message');
      const toolSpans = spans.filter((span) => span.name.startsWith('execute_tool '));
      expect(agentSpan?.attributes).toMatchObject({
        request_id: 'req-trace-1',
        session_id: 's-trace',
      });
      expect(toolSpans.map((span) => span.name).sort()).toEqual([
        'execute_tool memory.remember',
        'execute_tool rag.search',
      ]);
      for (const span of toolSpans) {
        expect(span.spanContext().traceId).toBe(agentSpan?.spanContext().traceId);
        expect(span.parentSpanContext?.spanId).toBe(agentSpan?.spanContext().spanId);
        expect(span.attributes).toMatchObject({
          request_id: 'req-trace-1',
          session_id: 's-trace',
          'gen_ai.operation.name': 'execute_tool',
        });
      }
    } finally {
      await host.stop();
      dirs.remove();
    }
  });
});
