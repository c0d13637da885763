import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { bearer, type TestKey } from './apiKeys.js';

export interface McpTestClient {
  client: Client;
  transport: StreamableHTTPClientTransport;
  /** Resolves once the session's stream of server messages (GET /mcp) is open. */
  streamOpen: Promise<void>;
  /** Ends the session (DELETE /mcp), then the client. */
  close(): Promise<void>;
  /** The next `tools/list_changed`, with the list the client fetched again after it. */
  nextListChange(): Promise<Tool[]>;
}

/** The MCP SDK's own client, connected to a host's `/mcp` with `key`. */
export async function connectMcp(baseUrl: string, key: TestKey): Promise<McpTestClient> {
  let opened!: () => void;
  const streamOpen = new Promise<void>((resolve) => (opened = resolve));
  const waiting: Array<(tools: Tool[]) => void> = [];
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', baseUrl), {
    requestInit: { headers: bearer(key) },
    fetch: async (url, init) => {
      const response = await fetch(url, init);
      if (init?.method === 'GET' && response.ok) opened();
      return response;
    },
  });
  const client = new Client(
    { name: 'toolhost-test', version: '1.0.0' },
    {
      listChanged: {
        tools: {
          debounceMs: 0,
          onChanged: (error, tools) => {
            if (error === null) waiting.shift()?.(tools ?? []);
          },
        },
      },
    },
  );
  await client.connect(transport);
  return {
    client,
    transport,
    streamOpen,
    nextListChange: () => new Promise((resolve) => waiting.push(resolve)),
    async close() {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    },
  };
}
