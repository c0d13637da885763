import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

export interface PlainMcpHttpServer {
  url: string;
  close(): Promise<void>;
}

/** A plain MCP SDK Streamable HTTP server (stateless) with one tool, `shout`. */
export async function startPlainMcpHttpServer(): Promise<PlainMcpHttpServer> {
  const server: Server = createServer((req, res) => {
    const mcp = new McpServer({ name: 'plain-http', version: '1.0.0' });
    mcp.registerTool('shout', { inputSchema: { text: z.string() } }, async ({ text }) => ({
      content: [{ type: 'text', text: text.toUpperCase() }],
      structuredContent: { text: text.toUpperCase() },
    }));
    const transport = new StreamableHTTPServerTransport({});
    res.on('close', () => void mcp.close());
    void mcp.connect(transport).then(() => transport.handleRequest(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
