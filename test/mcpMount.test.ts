import { fileURLToPath } from 'node:url';
import type { ToolResult } from '@toolhost/plugin-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHostError } from '../host/src/errors.js';
import type { Manifest } from '../host/src/manifests/Manifest.js';
import type { PluginStatus } from '../host/src/plugins/PluginStatus.js';
import { bearer, CLIENT, keysEnv } from './support/apiKeys.js';
import { connectMcp } from './support/mcpClient.js';
import { startPlainMcpHttpServer, type PlainMcpHttpServer } from './support/mcpHttpServer.js';
import { startTestHost, type TestHost } from './support/testHost.js';

// Issue 15, the client side: a stdio MCP server written with the SDK, mounted by manifest.

const SERVER = fileURLToPath(new URL('fixtures/mcp/server.mjs', import.meta.url));

const mounted: Manifest = {
  name: 'outside',
  enabled: true,
  source: { mcp: { command: 'node', args: [SERVER], env: { GREETING: 'hi' } } },
  secrets: { TOKEN: { env: 'TOOLHOST_TEST_MCP_MOUNT_TOKEN' } },
  policy: { timeoutMs: 2_500, retry: { maxAttempts: 1 } },
};

let t: TestHost;
let plain: PlainMcpHttpServer;

beforeAll(async () => {
  process.env['TOOLHOST_TEST_MCP_MOUNT_TOKEN'] = 'not-a-real-token';
  plain = await startPlainMcpHttpServer();
  t = await startTestHost(
    (dirs) => {
      dirs.writeManifest(mounted);
      dirs.writeManifest({
        name: 'remote',
        enabled: true,
        source: { mcp: { url: plain.url } },
        permissions: { http: [new URL(plain.url).origin] },
      });
      dirs.writeManifest({
        name: 'ungranted',
        enabled: true,
        source: { mcp: { url: 'http://127.0.0.1:9/mcp' } },
        permissions: { http: ['http://127.0.0.1:10'] },
      });
    },
    { TOOLHOST_WATCH_MANIFESTS: 'false', ...keysEnv(CLIENT) },
  );
});
afterAll(async () => {
  await t?.stop();
  await plain?.close();
  delete process.env['TOOLHOST_TEST_MCP_MOUNT_TOKEN'];
});

async function invoke(tool: string, input: Record<string, unknown> = {}): Promise<ToolResult> {
  const { status, body } = await t.request(`/v1/tools/${tool}/invoke`, {
    method: 'POST',
    headers: { ...bearer(CLIENT), 'content-type': 'application/json' },
    body: JSON.stringify({ input }),
  });
  expect(status).toBe(200);
  return body as ToolResult;
}

function nextChange(
  plugin: string,
  until: (status: PluginStatus) => boolean,
): Promise<PluginStatus> {
  return new Promise((resolve) => {
    const stop = t.host.registry.onChange((change) => {
      if (change.plugin === plugin && change.status && until(change.status)) {
        stop();
        resolve(change.status);
      }
    });
  });
}

describe('a stdio MCP server mounted by manifest', () => {
  it('serves its tools as <plugin>.<tool>, with their schemas and hints', async () => {
    const status = t.host.registry.status('outside');
    expect(status.state).toBe('enabled');
    expect(status.tools).toEqual(
      expect.arrayContaining(['outside.echo', 'outside.env', 'outside.add_tool']),
    );
    const echo = t.host.registry.get('outside.echo');
    expect(echo?.spec.annotations).toEqual({ readOnly: true, idempotent: true });
    expect(echo?.spec.inputSchema).toMatchObject({ type: 'object', required: ['text'] });
    expect(status.runtime).toMatchObject({ isolation: 'process', sandbox: 'mcp-stdio' });
  });

  it('is called through /v1/tools/…/invoke, the agent’s invoker and /mcp alike', async () => {
    expect(await invoke('outside.echo', { text: 'one' })).toMatchObject({
      success: true,
      data: { text: 'one' },
    });
    const direct = await t.host.invoker.invoke(
      'outside.echo',
      { text: 'two' },
      { requestId: 'r-mcp-mount', sessionId: null },
    );
    expect(direct.result).toMatchObject({ success: true, data: { text: 'two' } });
    const mcp = await connectMcp(t.host.url, CLIENT);
    try {
      const result = await mcp.client.callTool({
        name: 'outside.echo',
        arguments: { text: 'three' },
      });
      expect(result.structuredContent).toEqual({ text: 'three' });
    } finally {
      await mcp.close();
    }
  });

  it('goes through the wrapper: input validation, output validation, upstream errors', async () => {
    expect(await invoke('outside.echo', { text: 7 })).toMatchObject({ errorCode: 'invalid_input' });
    expect(await invoke('outside.broken')).toMatchObject({ errorCode: 'invalid_output' });
    expect(await invoke('outside.refuse')).toMatchObject({
      errorCode: 'upstream_error',
      error: expect.stringContaining('the upstream said no'),
    });
  });

  it('runs the server with only the environment its manifest names, secrets by name', async () => {
    const { data } = await invoke('outside.env');
    expect(data['names']).toEqual(['GREETING', 'TOKEN']);
  });

  it('a server that hangs fails the call with timeout', async () => {
    expect(await invoke('outside.hang')).toMatchObject({ success: false, errorCode: 'timeout' });
  });

  it('a killed server fails its calls in flight with crashed and is started again', async () => {
    const before = (await invoke('outside.env')).data['pid'] as number;
    const inFlight = invoke('outside.slow', { ms: 5_000 });
    // Answered after the slow call reached the server: the pipe keeps their order.
    expect((await invoke('outside.env')).data['pid']).toBe(before);
    const restarted = t.lineMatching(
      (line) => line.message === 'plugin runtime started again' && line['plugin'] === 'outside',
    );
    process.kill(before, 'SIGKILL');
    expect(await inFlight).toMatchObject({ success: false, errorCode: 'crashed' });
    // A loaded machine may take longer than a call's deadline to start Node again.
    await restarted;
    const after = await invoke('outside.env');
    expect(after.success).toBe(true);
    expect(after.data['pid']).not.toBe(before);
    expect(t.host.registry.status('outside').runtime).toMatchObject({ restarts: 1 });
  });

  it('follows list_changed: a tool the server adds is served, and listed on /mcp', async () => {
    const mcp = await connectMcp(t.host.url, CLIENT);
    try {
      await mcp.streamOpen;
      const listed = mcp.nextListChange();
      const served = nextChange('outside', (status) => status.tools.includes('outside.added'));
      expect(await invoke('outside.add_tool')).toMatchObject({ success: true });
      await served;
      expect(await invoke('outside.added')).toMatchObject({ success: true });
      expect((await listed).map((tool) => tool.name)).toContain('outside.added');
    } finally {
      await mcp.close();
    }
  });

  it('is stopped when disabled: its process is gone', async () => {
    const pid = (await invoke('outside.env')).data['pid'] as number;
    await t.host.registry.disable('outside');
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    expect(t.host.registry.has('outside.echo')).toBe(false);
    await t.host.registry.enable('outside');
    expect(await invoke('outside.echo', { text: 'back' })).toMatchObject({ success: true });
  });
});

describe('an HTTP MCP server', () => {
  it('is mounted by URL when its origin is granted, and called like any tool', async () => {
    expect(t.host.registry.status('remote')).toMatchObject({
      state: 'enabled',
      tools: ['remote.shout'],
      runtime: { sandbox: 'mcp-http' },
    });
    expect(await invoke('remote.shout', { text: 'hey' })).toMatchObject({
      success: true,
      data: { text: 'HEY' },
    });
  });

  it('is refused when permissions.http does not grant its origin', () => {
    expect(t.host.registry.status('ungranted').state).toBe('failed');
    const failure = t.host.registry.lastFailure('ungranted');
    expect(isHostError(failure) && failure.code).toBe('TOOLHOST_ERR_MCP_ORIGIN_NOT_GRANTED');
  });
});
