import { randomUUID } from 'node:crypto';
import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import type { JsonObject } from '@toolhost/plugin-sdk';
import { SDK_VERSION } from '@toolhost/plugin-sdk/host';
import type { Principal } from '../auth/Principal.js';
import type { ToolInvoker } from '../invocation/ToolInvoker.js';
import { remoteParent } from '../telemetry/remoteParent.js';
import type { McpToolSource } from './McpToolSource.js';
import { toCallToolResult } from './toCallToolResult.js';
import { toMcpTool } from './toMcpTool.js';

export interface McpServerDeps {
  tools: McpToolSource;
  invoker: Pick<ToolInvoker, 'invoke'>;
  tracer: Tracer;
}

/** What the HTTP route hands each request's handlers (as the transport's `authInfo.extra`). */
export interface McpRequestInfo {
  requestId: string;
}

function requestIdOf(extra: { authInfo?: { extra?: Record<string, unknown> } }): string {
  const id = extra.authInfo?.extra?.['requestId'];
  return typeof id === 'string' ? id : randomUUID();
}

/**
 * The MCP server of one session (the low-level `Server`: tool schemas are JSON Schema).
 * `tools/list` shows what `principal` may call; `tools/call` goes through the same invoker
 * as `POST /v1/tools/:tool/invoke`, inside a `tools/call <tool>` span that continues the
 * `traceparent` of `params._meta` and is the parent of the wrapper's `tool.<name>` span.
 */
export function createMcpServer(deps: McpServerDeps, principal: Principal): Server {
  const server = new Server(
    { name: 'toolhost', version: SDK_VERSION },
    { capabilities: { tools: { listChanged: true } } },
  );
  const visible = (name: string) => {
    const tool = deps.tools.get(name);
    return tool !== undefined && principal.tools.allows(tool) ? tool : undefined;
  };

  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: deps.tools
      .list()
      .filter((tool) => principal.tools.allows(tool))
      .map(toMcpTool),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name } = request.params;
    // A tool the key may not call is as unknown to it as one that does not exist.
    if (visible(name) === undefined) {
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    }
    const input = (request.params.arguments ?? {}) as JsonObject;
    const parent = remoteParent(request.params._meta?.['traceparent'], context.active());
    const span = deps.tracer.startSpan(
      `tools/call ${name}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'mcp.method.name': 'tools/call',
          ...(extra.sessionId === undefined ? {} : { 'mcp.session.id': extra.sessionId }),
          'jsonrpc.request.id': String(extra.requestId),
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': name,
        },
      },
      parent,
    );
    try {
      const invocation = await context.with(trace.setSpan(parent, span), () =>
        deps.invoker.invoke(name, input, { requestId: requestIdOf(extra), sessionId: null }),
      );
      const { result } = invocation;
      if (!result.success) {
        span.setAttribute('error.type', result.errorCode ?? 'internal');
        span.setStatus({ code: SpanStatusCode.ERROR, message: result.errorCode ?? 'internal' });
      }
      return toCallToolResult(result);
    } finally {
      span.end();
    }
  });
  return server;
}
