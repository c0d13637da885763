import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { context, trace } from '@opentelemetry/api';
import { fail, ok, type ToolResult } from '@toolhost/plugin-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { ANONYMOUS_PRINCIPAL, type Principal } from '../auth/Principal.js';
import { createToolFilter } from '../auth/ToolFilter.js';
import type { InvokeOptions } from '../invocation/ToolInvoker.js';
import { createInMemoryTracing, type InMemoryTracing } from '../telemetry/createInMemoryTracing.js';
import { createMcpServer } from './createMcpServer.js';
import type { McpListedTool, McpToolSource } from './McpToolSource.js';

const TOOLS: McpListedTool[] = [
  {
    name: 'kb.search',
    description: 'Searches',
    inputSchema: { type: 'object', properties: { q: { type: 'string' } } },
    outputSchema: { type: 'object', required: ['hits'], properties: { hits: { type: 'array' } } },
    annotations: { readOnly: true, idempotent: true },
  },
  {
    name: 'kb.add',
    description: 'Adds',
    inputSchema: { type: 'object' },
    outputSchema: null,
    annotations: {},
  },
];

const source: McpToolSource = {
  list: () => TOOLS,
  get: (name) => TOOLS.find((tool) => tool.name === name),
  onChange: () => () => undefined,
};

interface Seen {
  tool: string;
  options: InvokeOptions;
  parentSpanId: string | undefined;
}

let tracing: InMemoryTracing | null = null;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = null;
});

async function connect(principal: Principal, answer: (tool: string) => ToolResult) {
  tracing = createInMemoryTracing();
  const seen: Seen[] = [];
  const server = createMcpServer(
    {
      tools: source,
      tracer: tracing.tracer,
      invoker: {
        invoke: async (tool, _input, options) => {
          seen.push({
            tool,
            options,
            parentSpanId: trace.getSpanContext(context.active())?.spanId,
          });
          const result = answer(tool);
          return {
            result,
            record: {
              tool,
              outcome: result.success ? 'success' : 'failure',
              errorCode: result.errorCode ?? null,
              attempts: 1,
              durationMs: 1,
            },
          };
        },
      },
    },
    principal,
  );
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  serverSide.sessionId = 'session-1';
  await server.connect(serverSide);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(clientSide);
  return { client, seen, exporter: tracing.exporter };
}

describe('createMcpServer', () => {
  it('lists every tool with its schemas and hints, and says the list may change', async () => {
    const { client } = await connect(ANONYMOUS_PRINCIPAL, () => ok({}));
    expect(client.getServerCapabilities()?.tools).toEqual({ listChanged: true });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['kb.search', 'kb.add']);
    expect(tools[0]).toMatchObject({
      description: 'Searches',
      inputSchema: TOOLS[0]?.inputSchema,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true },
    });
    expect(tools[0]?.outputSchema?.anyOf).toContainEqual(TOOLS[0]?.outputSchema);
    expect(tools[1]?.outputSchema).toBeUndefined();
  });

  it('a restricted key lists and calls only what it may', async () => {
    const reader = { ...ANONYMOUS_PRINCIPAL, tools: createToolFilter(null, true) };
    const { client, seen } = await connect(reader, () => ok({}));
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['kb.search']);
    await expect(client.callTool({ name: 'kb.add', arguments: {} })).rejects.toThrow(
      /Unknown tool: kb\.add/,
    );
    await expect(client.callTool({ name: 'kb.nothing' })).rejects.toThrow(/Unknown tool/);
    expect(seen).toEqual([]);
  });

  it('a success carries data as structuredContent, a failure isError with its code', async () => {
    const { client } = await connect(ANONYMOUS_PRINCIPAL, (tool) =>
      tool === 'kb.search' ? ok({ hits: [1] }, { source: 'x' }) : fail('down', 'upstream_error'),
    );
    const good = await client.callTool({ name: 'kb.search', arguments: { q: 'a' } });
    expect(good).toMatchObject({
      structuredContent: { hits: [1] },
      content: [{ type: 'text', text: '{"hits":[1]}' }],
      _meta: { 'toolhost.dev/metadata': { source: 'x' } },
    });
    expect(good.isError).toBeUndefined();
    const bad = await client.callTool({ name: 'kb.add', arguments: {} });
    expect(bad).toMatchObject({
      isError: true,
      structuredContent: { errorCode: 'upstream_error', error: 'down' },
    });
  });

  it('a failure of a tool with an output schema still passes the client check', async () => {
    const { client } = await connect(ANONYMOUS_PRINCIPAL, () => fail('no', 'timeout'));
    await client.listTools(); // the client compiles output validators here
    const result = await client.callTool({ name: 'kb.search', arguments: {} });
    expect(result).toMatchObject({ isError: true, structuredContent: { errorCode: 'timeout' } });
  });

  it('spans the call as tools/call, continuing the traceparent of _meta', async () => {
    const { client, seen, exporter } = await connect(ANONYMOUS_PRINCIPAL, () =>
      fail('no', 'not_found'),
    );
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await client.callTool({
      name: 'kb.add',
      arguments: {},
      _meta: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('tools/call kb.add');
    expect(span?.spanContext().traceId).toBe(traceId);
    expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(span?.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'mcp.session.id': 'session-1',
      'gen_ai.tool.name': 'kb.add',
      'error.type': 'not_found',
    });
    // The wrapper's own span is a child of this one.
    expect(seen[0]?.parentSpanId).toBe(span?.spanContext().spanId);
    expect(seen[0]?.options.sessionId).toBeNull();
  });
});
