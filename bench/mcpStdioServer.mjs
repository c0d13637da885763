// The peer of P2: the MCP TypeScript SDK's own stdio server with the same no-op tool.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'bench-stdio', version: '0.0.1' });
server.registerTool(
  'noop',
  { description: 'Answers its input', inputSchema: { n: z.number().int() } },
  async ({ n }) => ({ content: [{ type: 'text', text: String(n) }] }),
);
await server.connect(new StdioServerTransport());
