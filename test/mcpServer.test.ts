import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bearer, keysEnv, type TestKey } from './support/apiKeys.js';
import { REPO_PLUGINS_DIR } from './support/builtinPlugins.js';
import { connectMcp, type McpTestClient } from './support/mcpClient.js';
import { startTestHost, type TestHost } from './support/testHost.js';

// Issue 15, the server side: the MCP SDK's own client against a running host's /mcp.

const AGENT: TestKey = { name: 'agent', key: 'agent-key-for-mcp-tests-0001', scopes: ['tools'] };
const READER: TestKey = {
  name: 'reader',
  key: 'reader-key-for-mcp-tests-001',
  scopes: ['tools'],
  readOnly: true,
};
const RIVAL: TestKey = { name: 'rival', key: 'rival-key-for-mcp-tests-0001', scopes: ['tools'] };
const WEB: TestKey = { name: 'web', key: 'web-key-for-mcp-tests-000001', scopes: ['messages'] };

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'raw', version: '1.0.0' },
  },
};
const ACCEPT = { accept: 'application/json, text/event-stream' };

let t: TestHost;
const clients: McpTestClient[] = [];

beforeAll(async () => {
  t = await startTestHost(
    (dirs) => {
      dirs.addPlugin('greeter');
      dirs.writeManifest({ name: 'greeter', enabled: true, source: { path: 'greeter' } });
      dirs.writeManifest({
        name: 'rag',
        enabled: true,
        source: { path: join(REPO_PLUGINS_DIR, 'rag') },
        permissions: { store: true, search: true },
      });
    },
    {
      TOOLHOST_WATCH_MANIFESTS: 'false',
      TOOLHOST_MCP_SESSIONS_PER_KEY: '3',
      // The per-call lines the wrapper writes are at debug.
      LOG_LEVEL: 'debug',
      ...keysEnv(AGENT, READER, RIVAL, WEB),
    },
  );
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await t?.stop();
});

async function connect(key: TestKey): Promise<McpTestClient> {
  const c = await connectMcp(t.host.url, key);
  clients.push(c);
  return c;
}

function post(body: unknown, headers: Record<string, string> = {}, raw?: string) {
  return fetch(`${t.host.url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...ACCEPT, ...headers },
    body: raw ?? JSON.stringify(body),
  });
}

describe('/mcp with the MCP SDK client', () => {
  it('lists every enabled tool by its <plugin>.<tool> name, with schemas and hints', async () => {
    const { client } = await connect(AGENT);
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['greeter.greet', 'greeter.wait', 'rag.search']));
    const search = tools.find((tool) => tool.name === 'rag.search');
    expect(search?.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true });
    const greet = tools.find((tool) => tool.name === 'greeter.greet');
    expect(greet).toMatchObject({
      description: 'Greets someone by name',
      inputSchema: { type: 'object', required: ['name'] },
    });
  });

  it('calls a tool through the wrapper: its answer, and a failure as isError with its code', async () => {
    const { client } = await connect(AGENT);
    await client.listTools();
    const good = await client.callTool({ name: 'greeter.greet', arguments: { name: 'Ada' } });
    expect(good.isError).toBeUndefined();
    expect(good.structuredContent).toEqual({ greeting: 'hello Ada' });
    const bad = await client.callTool({ name: 'greeter.greet', arguments: {} });
    expect(bad.isError).toBe(true);
    expect(bad.structuredContent).toMatchObject({ errorCode: 'invalid_input' });
    const finished = t.lines.filter(
      (line) => line['message'] === 'tool call finished' && line['tool_name'] === 'greeter.greet',
    );
    expect(finished.map((line) => line['outcome'])).toEqual(
      expect.arrayContaining(['success', 'failure']),
    );
    const metrics = await fetch(`${t.host.url}/metrics`, { headers: bearer(AGENT) });
    expect(await metrics.text()).toContain(
      'toolhost_tool_calls_total{tool="greeter.greet",outcome="failure",error_code="invalid_input"}',
    );
  });

  it('sends tools/list_changed when a plugin is disabled and enabled again', async () => {
    const mcp = await connect(AGENT);
    await mcp.streamOpen;
    const gone = mcp.nextListChange();
    await t.host.registry.disable('greeter');
    expect((await gone).map((tool) => tool.name)).not.toContain('greeter.greet');
    const back = mcp.nextListChange();
    await t.host.registry.enable('greeter');
    expect((await back).map((tool) => tool.name)).toContain('greeter.greet');
  });

  it('a read-only key lists and calls only the read-only tools', async () => {
    const { client } = await connect(READER);
    const { tools } = await client.listTools();
    expect(tools.length).toBeGreaterThan(0);
    expect(tools.map((tool) => tool.name)).not.toContain('greeter.greet');
    for (const tool of tools) expect(tool.annotations?.readOnlyHint, tool.name).toBe(true);
    await expect(
      client.callTool({ name: 'greeter.greet', arguments: { name: 'x' } }),
    ).rejects.toThrow(/Unknown tool: greeter\.greet/);
    const search = await client.callTool({ name: 'rag.search', arguments: { query: 'refund' } });
    expect(search.isError).toBeUndefined();
  });
});

describe('/mcp refuses', () => {
  it('a request without a key (401) or with a key lacking the tools scope (403)', async () => {
    const none = await post(INITIALIZE);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await post(INITIALIZE, bearer('not-a-key-at-all-000000'))).status).toBe(401);
    expect((await post(INITIALIZE, bearer(WEB))).status).toBe(403);
  });

  it('a browser request from another origin (DNS rebinding) with 403; its own origin passes', async () => {
    const evil = await post(INITIALIZE, { ...bearer(AGENT), origin: 'http://rebound.example' });
    expect(evil.status).toBe(403);
    expect(await evil.json()).toMatchObject({ code: 'TOOLHOST_HTTP_FORBIDDEN' });
    const own = await post(INITIALIZE, { ...bearer(AGENT), origin: new URL(t.host.url).origin });
    expect(own.status).toBe(200);
    const id = own.headers.get('mcp-session-id') as string;
    await own.body?.cancel();
    await fetch(`${t.host.url}/mcp`, {
      method: 'DELETE',
      headers: { ...bearer(AGENT), 'mcp-session-id': id },
    });
  });

  it('an unknown session id, another key’s session and a closed one with 404', async () => {
    const mcp = await connect(AGENT);
    const sessionId = mcp.transport.sessionId as string;
    const ping = { jsonrpc: '2.0', id: 2, method: 'ping' };
    const own = await post(ping, { ...bearer(AGENT), 'mcp-session-id': sessionId });
    expect(own.status).toBe(200);
    await own.text();
    for (const [key, id] of [
      [AGENT, 'no-such-session'],
      [RIVAL, sessionId],
    ] as const) {
      const answer = await post(ping, { ...bearer(key), 'mcp-session-id': id });
      expect(answer.status).toBe(404);
      expect(await answer.json()).toMatchObject({ code: 'TOOLHOST_HTTP_SESSION_UNKNOWN' });
    }
    await mcp.transport.terminateSession();
    const closed = await post(ping, { ...bearer(AGENT), 'mcp-session-id': sessionId });
    expect(closed.status).toBe(404);
  });

  it('a request other than initialize without a session (400)', async () => {
    const answer = await post({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, bearer(AGENT));
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ code: 'TOOLHOST_HTTP_BAD_REQUEST' });
  });

  it('malformed JSON (400), a body over the limit (413), a non-JSON type (415)', async () => {
    const malformed = await post(null, bearer(AGENT), '{"jsonrpc":');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'TOOLHOST_HTTP_MALFORMED_JSON' });
    const huge = await post(null, bearer(AGENT), `"${'x'.repeat(1_100_000)}"`);
    expect(huge.status).toBe(413);
    const text = await post(null, { ...bearer(AGENT), 'content-type': 'text/plain' }, '{}');
    expect(text.status).toBe(415);
  });

  it('a JSON body that is no JSON-RPC message, within a session (400, -32700)', async () => {
    const mcp = await connect(AGENT);
    const answer = await post(
      { hello: 'world' },
      { ...bearer(AGENT), 'mcp-session-id': mcp.transport.sessionId as string },
    );
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: { code: -32700 } });
  });

  it('more sessions than a key may hold (429), while other keys still connect', async () => {
    // RIVAL holds none yet; three are allowed.
    const opened: McpTestClient[] = [];
    for (let i = 0; i < 3; i++) opened.push(await connect(RIVAL));
    const fourth = await post(INITIALIZE, bearer(RIVAL));
    expect(fourth.status).toBe(429);
    expect(await fourth.json()).toMatchObject({ code: 'TOOLHOST_HTTP_TOO_MANY_SESSIONS' });
    await opened[0]?.transport.terminateSession();
    const again = await post(INITIALIZE, bearer(RIVAL));
    expect(again.status).toBe(200);
    await again.body?.cancel();
  });
});

describe('/mcp in protected mode (no keys)', () => {
  function initializeWithHost(url: string, host: string): Promise<number> {
    const body = JSON.stringify(INITIALIZE);
    return new Promise((resolve, reject) => {
      const req = request(
        `${url}/mcp`,
        {
          method: 'POST',
          headers: { host, 'content-type': 'application/json', ...ACCEPT },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  it('answers only requests to a loopback host name: a rebound name is refused', async () => {
    const open = await startTestHost(() => {}, { TOOLHOST_WATCH_MANIFESTS: 'false' });
    try {
      const port = new URL(open.host.url).port;
      expect(await initializeWithHost(open.host.url, `rebound.example:${port}`)).toBe(403);
      expect(await initializeWithHost(open.host.url, `127.0.0.1:${port}`)).toBe(200);
      expect(await initializeWithHost(open.host.url, `localhost:${port}`)).toBe(200);
    } finally {
      await open.stop();
    }
  });
});
