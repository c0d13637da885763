import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallContext } from '@toolhost/plugin-sdk';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import winston from 'winston';
import { z } from 'zod';
import { isHostError } from '../errors.js';
import { isRuntimeFault } from '../invocation/RuntimeFault.js';
import { McpRuntime, type McpConnection } from './McpRuntime.js';

const logger = winston.createLogger({ silent: true });

const call = (): CallContext => ({
  requestId: 'r',
  sessionId: null,
  attempt: 1,
  signal: new AbortController().signal,
  logger: { debug() {}, info() {}, warn() {}, error() {} },
});

/** An in-process MCP server per connection; `crash()` ends the current one as an exit would. */
function fakeServer(tools: (server: McpServer) => void) {
  const ends: Array<(why: string) => void> = [];
  let connections = 0;
  let refuse = false;
  const connect = async (): Promise<McpConnection> => {
    connections++;
    if (refuse) throw new Error('spawn failed');
    const server = new McpServer({ name: 'fake', version: '1.0.0' });
    tools(server);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(clientSide);
    let end!: (why: string) => void;
    const ended = new Promise<string>((resolve) => (end = resolve));
    ends.push((why) => {
      void server.close();
      end(why);
    });
    return { client, ended, close: () => client.close() };
  };
  return {
    connect,
    crash: (why = 'it exited (code 1)') => ends.at(-1)?.(why),
    get connections() {
      return connections;
    },
    refuseFromNowOn: () => (refuse = true),
  };
}

function echoTool(server: McpServer): void {
  server.registerTool('echo', { inputSchema: { text: z.string() } }, async ({ text }) => ({
    content: [{ type: 'text', text }],
    structuredContent: { text },
  }));
}

function runtime(connect: () => Promise<McpConnection>, limit = 3) {
  return new McpRuntime({
    pluginName: 'fake',
    kind: 'stdio',
    connect,
    callTimeoutMs: 1_000,
    timeouts: { startTimeoutMs: 1_000, stopTimeoutMs: 1_000 },
    crashes: { limit, windowMs: 60_000 },
    logger,
    respawnDelayMs: () => 500,
  });
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('McpRuntime', () => {
  it('serves the listed tools and answers calls', async () => {
    const fake = fakeServer(echoTool);
    const mcp = runtime(fake.connect);
    await mcp.start();
    expect(Object.keys(mcp.description.tools)).toEqual(['echo']);
    await expect(mcp.invoke('echo', { text: 'a' }, call())).resolves.toMatchObject({
      success: true,
      data: { text: 'a' },
    });
    await mcp.stop(100);
  });

  it('after an exit, waits the backoff, connects again, and calls made meanwhile wait for it', async () => {
    const fake = fakeServer(echoTool);
    const mcp = runtime(fake.connect);
    await mcp.start();
    fake.crash();
    await vi.advanceTimersByTimeAsync(0);
    const waiting = mcp.invoke('echo', { text: 'later' }, call());
    expect(fake.connections).toBe(1);
    await vi.advanceTimersByTimeAsync(500);
    await expect(waiting).resolves.toMatchObject({ success: true, data: { text: 'later' } });
    expect(fake.connections).toBe(2);
    expect(mcp.report).toMatchObject({ restarts: 1, lastFault: 'it exited (code 1)' });
    await mcp.stop(100);
  });

  it('fails for good after repeated crashes: calls answer crashed, the failure is reported', async () => {
    const fake = fakeServer(echoTool);
    const mcp = runtime(fake.connect, 2);
    const failures: Error[] = [];
    mcp.onFailure((error) => failures.push(error));
    await mcp.start();
    fake.crash();
    await vi.advanceTimersByTimeAsync(500);
    fake.refuseFromNowOn();
    fake.crash();
    await vi.advanceTimersByTimeAsync(500);
    expect(failures).toHaveLength(1);
    expect(isHostError(failures[0]) && failures[0].code).toBe('TOOLHOST_ERR_PLUGIN_CRASHED');
    const refused = await mcp.invoke('echo', { text: 'x' }, call()).catch((e: unknown) => e);
    expect(isRuntimeFault(refused) && refused.code).toBe('crashed');
    await mcp.stop(100);
  });

  it('a server that cannot be reached fails to start with a coded error', async () => {
    const mcp = runtime(() => Promise.reject(new Error('ENOENT')));
    const error = await mcp.start().catch((e: unknown) => e);
    expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_MCP_CONNECT_FAILED');
  });

  it('a server that lists no tool fails to start', async () => {
    const fake = fakeServer((server) =>
      server.registerTool('x'.repeat(70), {}, async () => ({ content: [] })),
    );
    const error = await runtime(fake.connect)
      .start()
      .catch((e: unknown) => e);
    expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_MCP_CONNECT_FAILED');
    expect((error as Error).message).toMatch(/lists no tool/);
  });
});
