import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Manifest } from '../host/src/manifests/Manifest.js';
import type { AgentResponse } from '../host/src/agent/AgentResponse.js';
import type { ToolDescription } from '../host/src/plugins/PluginStatus.js';
import { bearer, CLIENT, keysEnv } from './support/apiKeys.js';
import { REPO_PLUGINS_DIR, useBuiltinManifests } from './support/builtinPlugins.js';
import { startCrmServer, type CrmServer } from './support/crmServer.js';
import { startTestHost, type TestHost } from './support/testHost.js';

const ADMIN_TOKEN = 'crm-test-admin-token-0123';
const HALF_OPEN_AFTER_MS = 30_000;

let crm: CrmServer;
let running: TestHost | null = null;

beforeAll(async () => {
  crm = await startCrmServer();
  process.env['CRM_API_KEY'] = crm.apiKey;
});
afterAll(async () => {
  delete process.env['CRM_API_KEY'];
  await crm.close();
});
afterEach(async () => {
  vi.useRealTimers();
  crm.heal();
  await running?.stop();
  running = null;
});

function crmManifest(enabled = true): Manifest {
  return {
    name: 'crm',
    enabled,
    source: { path: 'crm' },
    config: { baseUrl: crm.url },
    secrets: { apiKey: { env: 'CRM_API_KEY' } },
    permissions: { http: [crm.url] },
    policy: {
      timeoutMs: 300,
      retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 },
      circuitBreaker: { consecutiveFailures: 3, halfOpenAfterMs: HALF_OPEN_AFTER_MS },
    },
  };
}

async function start(enabled = true, builtins: string[] = []): Promise<TestHost> {
  running = await startTestHost(
    (dirs) => {
      useBuiltinManifests(dirs, builtins);
      dirs.writeManifest(crmManifest(enabled));
    },
    {
      TOOLHOST_PLUGINS_DIR: REPO_PLUGINS_DIR,
      TOOLHOST_ADMIN_TOKEN: ADMIN_TOKEN,
      ...keysEnv(CLIENT),
    },
  );
  return running;
}

const lookup = (t: TestHost, customerId = 'C-1001') =>
  t.host.invoker.invoke(
    'crm.lookup_customer',
    { customerId },
    { requestId: `r-${Math.random()}`, sessionId: null },
  );

async function circuitOf(t: TestHost): Promise<string | undefined> {
  const { body } = await t.request('/v1/tools', { headers: bearer(CLIENT) });
  return (body as { tools: ToolDescription[] }).tools.find(
    (tool) => tool.name === 'crm.lookup_customer',
  )?.state.circuit;
}

describe('the crm plugin behind the real call wrapper', () => {
  it('retries 5xx answers and then succeeds', async () => {
    const t = await start();
    crm.failNext(2, 502);
    const before = crm.requests;
    const { result, record } = await lookup(t);
    expect(result).toMatchObject({ success: true, data: { name: 'Ada Lovelace' } });
    expect(record.attempts).toBe(3);
    expect(crm.requests - before).toBe(3);
  });

  it('does not retry a 404', async () => {
    const t = await start();
    const before = crm.requests;
    const { result, record } = await lookup(t, 'C-missing');
    expect(result.errorCode).toBe('not_found');
    expect(record.attempts).toBe(1);
    expect(crm.requests - before).toBe(1);
  });

  it('opens the circuit on a persistently failing CRM, sends it nothing while open, and recovers after half-open', async () => {
    // The breaker's own clock (performance) and cockatiel's (Date) move together.
    vi.useFakeTimers({ toFake: ['Date', 'performance'] });
    const t = await start();
    crm.breakDown(503);
    for (let i = 0; i < 3; i += 1)
      expect((await lookup(t)).result.errorCode).toBe('upstream_error');
    expect(await circuitOf(t)).toBe('open');

    const before = crm.requests;
    const whileOpen = await lookup(t);
    expect(whileOpen.result.errorCode).toBe('circuit_open');
    expect(crm.requests).toBe(before);

    crm.heal();
    vi.advanceTimersByTime(HALF_OPEN_AFTER_MS + 1);
    expect(await circuitOf(t)).toBe('half-open');
    expect((await lookup(t)).result.success).toBe(true);
    expect(await circuitOf(t)).toBe('closed');
  });

  it('times out a slow CRM', async () => {
    const t = await start();
    crm.delayNext(3, 2_000);
    const { result, record } = await lookup(t);
    expect(result.errorCode).toBe('timeout');
    expect(record.attempts).toBe(3);
  });
});

describe('the agent with the crm plugin', () => {
  async function ask(t: TestHost, sessionId: string): Promise<AgentResponse> {
    const { status, body } = await t.request(`/v1/sessions/${sessionId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(CLIENT) },
      body: JSON.stringify({ text: 'What is the status of my order?', customerId: 'C-1001' }),
    });
    expect(status).toBe(200);
    return body as AgentResponse;
  }

  it('looks the customer up for an account question and answers from the profile', async () => {
    const t = await start(true, ['rag', 'memory']);
    const response = await ask(t, 'crm-1');
    expect(response.toolMetadata['crm.lookup_customer']).toMatchObject({
      outcome: 'success',
      metadata: { source: 'crm' },
    });
    expect(response.reply).toContain('Your account (Ada Lovelace, pro plan) is active.');
    expect(response.reply).toContain('#O-5001 (shipped)');

    const [row] = await t.host.audit.list('crm-1');
    expect(row?.requestId).toBe(response.requestId);
    expect(row?.toolsCalled.find((call) => call.tool === 'crm.lookup_customer')).toMatchObject({
      outcome: 'success',
      errorCode: null,
      attempts: 1,
    });
  });

  it('starts using the plugin once enabled in the running host, and degrades when it is disabled', async () => {
    const t = await start(false, ['rag']);
    expect((await ask(t, 'crm-2')).toolMetadata['crm.lookup_customer']).toBeUndefined();

    const admin = (action: string) =>
      t.request(`/v1/admin/plugins/crm/${action}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
    expect((await admin('enable')).body).toMatchObject({ state: 'enabled' });
    expect((await ask(t, 'crm-2')).reply).toContain('Ada Lovelace');

    expect((await admin('disable')).body).toMatchObject({ state: 'disabled' });
    const degraded = await ask(t, 'crm-2');
    expect(degraded.toolMetadata['crm.lookup_customer']).toBeUndefined();
    expect(degraded.reply).not.toContain('Ada Lovelace');
  });

  it('answers while the CRM is down, saying the reply may be incomplete', async () => {
    const t = await start(true, ['rag']);
    crm.breakDown(500);
    const response = await ask(t, 'crm-3');
    expect(response.toolMetadata['crm.lookup_customer']).toMatchObject({
      outcome: 'failure',
      errorCode: 'upstream_error',
    });
    expect(response.reply).toContain('Some of our systems are not answering right now');
  });
});
