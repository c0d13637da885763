import { afterEach, describe, expect, it } from 'vitest';
import type { ToolDescription } from '../plugins/PluginStatus.js';
import type { ProblemDocument } from './problem.js';
import {
  jsonPost,
  startTestApp,
  TOOL,
  type TestApp,
  type TestKey,
} from './testing/startTestApp.js';

const WEB: TestKey = { name: 'web', key: 'web-key-0123456789abcdef', scopes: ['messages'] };
const AGENT: TestKey = { name: 'agent', key: 'agent-key-0123456789abcdef', scopes: ['tools'] };
const SEARCH_ONLY: TestKey = {
  name: 'search-only',
  key: 'search-only-key-0123456789',
  scopes: ['tools'],
  tools: ['rag.search'],
};
const READER: TestKey = {
  name: 'reader',
  key: 'reader-key-0123456789abcdef',
  scopes: ['tools'],
  readOnly: true,
};
const SCRAPER: TestKey = { name: 'scraper', key: 'scraper-key-0123456789abc', scopes: [] };
const ADMIN_TOKEN = 'admin-token-0123456789abcdef';

const SEARCH: ToolDescription = {
  ...TOOL,
  name: 'rag.search',
  plugin: 'rag',
  annotations: { readOnly: true },
};
const ADD_DOCUMENTS: ToolDescription = { ...TOOL, name: 'rag.add_documents', plugin: 'rag' };

const auth = (key: TestKey | string) => ({
  authorization: `Bearer ${typeof key === 'string' ? key : key.key}`,
});

let app: TestApp;
afterEach(() => app.close());

function start() {
  return startTestApp({
    adminToken: ADMIN_TOKEN,
    keys: [WEB, AGENT, SEARCH_ONLY, READER, SCRAPER],
    tools: [TOOL, SEARCH, ADD_DOCUMENTS],
  });
}

async function problemOf(res: Response): Promise<ProblemDocument> {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await res.json()) as ProblemDocument;
}

const invoke = (tool: string, key: TestKey, headers: Record<string, string> = {}) =>
  app.fetch(`/v1/tools/${tool}/invoke`, jsonPost({ input: {} }, { ...auth(key), ...headers }));

describe('the key each route asks for', () => {
  type Case = [route: string, init: () => RequestInit, allowed: TestKey | string, denied: TestKey];
  const cases: Case[] = [
    ['GET /v1/tools', () => ({}), AGENT, WEB],
    ['GET /v1/tools', () => ({}), ADMIN_TOKEN, WEB],
    ['POST /v1/tools/crm.lookup_customer/invoke', () => jsonPost({ input: {} }), AGENT, WEB],
    ['GET /v1/admin/plugins', () => ({}), ADMIN_TOKEN, AGENT],
    ['POST /v1/admin/plugins/crm/reload', () => ({ method: 'POST' }), ADMIN_TOKEN, WEB],
    ['GET /metrics', () => ({}), SCRAPER, SCRAPER],
  ];

  it.each(cases)('%s: 401 without a key or with a wrong one', async (route, init) => {
    app = await start();
    const path = route.split(' ')[1] as string;
    for (const [headers, challenge] of [
      [{}, 'Bearer'],
      [{ authorization: 'Bearer not-a-configured-key-0000' }, 'Bearer error="invalid_token"'],
      [auth(`${WEB.key}x`), 'Bearer error="invalid_token"'],
    ] as const) {
      const base = init();
      const res = await app.fetch(path, { ...base, headers: { ...base.headers, ...headers } });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(challenge);
      expect((await problemOf(res)).code).toBe('TOOLHOST_HTTP_UNAUTHORIZED');
    }
    expect(app.invoker.calls).toEqual([]);
    expect(app.plugins.plugins.get('crm')?.state).toBe('enabled');
  });

  it.each(cases.filter(([route]) => route !== 'GET /metrics'))(
    '%s: 403 for a key without the scope, 2xx with it',
    async (route, init, allowed, denied) => {
      app = await start();
      const path = route.split(' ')[1] as string;
      const base = init();
      const refused = await app.fetch(path, {
        ...base,
        headers: { ...base.headers, ...auth(denied) },
      });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('www-authenticate')).toMatch(
        /^Bearer error="insufficient_scope", scope="/,
      );
      const problem = await problemOf(refused);
      expect(problem.code).toBe('TOOLHOST_HTTP_FORBIDDEN');
      expect(problem.detail).toContain(`key '${denied.name}' lacks the scope`);
      expect(app.invoker.calls).toEqual([]);

      const answered = await app.fetch(path, {
        ...base,
        headers: { ...base.headers, ...auth(allowed) },
      });
      expect(answered.status).toBe(200);
    },
  );

  it('/metrics takes any key, a key without scopes too, or none when TOOLHOST_METRICS_PUBLIC', async () => {
    app = await start();
    expect((await app.fetch('/metrics', { headers: auth(SCRAPER) })).status).toBe(200);
    expect((await app.fetch('/metrics', { headers: auth(WEB) })).status).toBe(200);
    await app.close();
    app = await startTestApp({ adminToken: ADMIN_TOKEN, metricsPublic: true });
    expect((await app.fetch('/metrics')).status).toBe(200);
  });

  it('the health checks need no key', async () => {
    app = await start();
    expect((await app.fetch('/healthz')).status).toBe(200);
    expect((await app.fetch('/readyz')).status).toBe(200);
  });

  it('a refused key is logged at warn with its name, never its secret, and never at error', async () => {
    app = await start();
    await app.fetch('/v1/tools', { headers: auth(WEB) });
    await app.fetch('/v1/tools', { headers: { authorization: `Bearer ${AGENT.key}x` } });
    await app.fetch('/v1/tools/crm.nope/invoke', jsonPost({ input: {} }, auth(AGENT)));
    const refused = app.logs.filter((line) => line.message === 'http request refused');
    expect(refused.map(({ level, status, code, key }) => ({ level, status, code, key }))).toEqual([
      { level: 'warn', status: 403, code: 'TOOLHOST_HTTP_FORBIDDEN', key: 'web' },
      { level: 'warn', status: 401, code: 'TOOLHOST_HTTP_UNAUTHORIZED', key: undefined },
      { level: 'info', status: 404, code: 'TOOLHOST_HTTP_TOOL_UNKNOWN', key: 'agent' },
    ]);
    expect(app.logs.filter((line) => line.level === 'error')).toEqual([]);
    expect(
      app.logs.filter((line) => line.message === 'http request').map((line) => line['key']),
    ).toEqual(['web', undefined, 'agent']);
    const text = JSON.stringify(app.logs);
    for (const key of [WEB, AGENT]) expect(text).not.toContain(key.key);
  });
});

describe('tool restrictions of a key', () => {
  it('GET /v1/tools lists only the tools the key may call; admin and unrestricted keys see all', async () => {
    app = await start();
    const names = async (key: TestKey | string) =>
      (
        (await (await app.fetch('/v1/tools', { headers: auth(key) })).json()) as {
          tools: ToolDescription[];
        }
      ).tools.map((tool) => tool.name);
    expect(await names(SEARCH_ONLY)).toEqual(['rag.search']);
    expect(await names(READER)).toEqual(['rag.search']);
    expect(await names(AGENT)).toEqual(['crm.lookup_customer', 'rag.search', 'rag.add_documents']);
    expect(await names(ADMIN_TOKEN)).toEqual([
      'crm.lookup_customer',
      'rag.search',
      'rag.add_documents',
    ]);
  });

  it('invoke refuses a tool outside the list (403, whether or not it exists) and runs one inside', async () => {
    app = await start();
    for (const tool of ['rag.add_documents', 'crm.lookup_customer', 'ghost.tool']) {
      const res = await invoke(tool, SEARCH_ONLY);
      expect(res.status, tool).toBe(403);
      expect((await problemOf(res)).detail).toBe(`key 'search-only' may not call tool '${tool}'`);
    }
    expect(app.invoker.calls).toEqual([]);
    expect((await invoke('rag.search', SEARCH_ONLY)).status).toBe(200);
    expect(app.invoker.calls.map((call) => call.tool)).toEqual(['rag.search']);
  });

  it('a readOnly key calls tools annotated readOnly only', async () => {
    app = await start();
    const refused = await invoke('rag.add_documents', READER);
    expect(refused.status).toBe(403);
    expect((await problemOf(refused)).code).toBe('TOOLHOST_HTTP_FORBIDDEN');
    expect((await invoke('rag.search', READER)).status).toBe(200);
    expect((await invoke('ghost.tool', READER)).status).toBe(404);
    expect(app.invoker.calls.map((call) => call.tool)).toEqual(['rag.search']);
  });
});

describe('X-Session-Id on a tool call', () => {
  it('claims a new session for the key, passes it to the tool as <key>/<id>, and refuses it to other keys with 404', async () => {
    const OTHER: TestKey = { ...AGENT, name: 'other-agent', key: 'other-agent-key-0123456789' };
    app = await startTestApp({ keys: [AGENT, OTHER] });
    expect((await invoke(TOOL.name, AGENT, { 'x-session-id': 'victim-42' })).status).toBe(200);
    expect(app.invoker.calls[0]?.options.sessionId).toBe('agent/victim-42');
    expect(await app.sessions.readOwned('victim-42', 'agent')).not.toBeNull();

    const stolen = await invoke(TOOL.name, OTHER, { 'x-session-id': 'victim-42' });
    expect(stolen.status).toBe(404);
    expect(await problemOf(stolen)).toMatchObject({
      code: 'TOOLHOST_HTTP_SESSION_UNKNOWN',
      detail: "no session 'victim-42'",
    });
    expect(app.invoker.calls).toHaveLength(1);
    // A session written by the agent's own messages (another owner: anonymous) is refused too.
    await app.sessions.update('legacy', { lastIntent: 'x' });
    expect((await invoke(TOOL.name, AGENT, { 'x-session-id': 'legacy' })).status).toBe(404);
  });

  it('in protected mode the tool sees the plain id', async () => {
    app = await startTestApp();
    await app.fetch(
      `/v1/tools/${TOOL.name}/invoke`,
      jsonPost({ input: {} }, { 'x-session-id': 's-1' }),
    );
    expect(app.invoker.calls[0]?.options.sessionId).toBe('s-1');
  });
});
