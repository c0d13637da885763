import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { TOOL_ERROR_CODES, type JsonSchema } from '@toolhost/plugin-sdk/host';
import type { McpListedTool } from './McpToolSource.js';

/**
 * What `structuredContent` holds when a call fails (`isError: true`). MCP clients check
 * `structuredContent` against `outputSchema` even on errors, so a tool's listed output
 * schema accepts this shape beside its `data`.
 */
export const TOOL_FAILURE_SCHEMA = {
  type: 'object',
  required: ['errorCode', 'error'],
  properties: {
    errorCode: { enum: [...TOOL_ERROR_CODES] },
    error: { type: 'string' },
  },
} as const;

type InputSchema = Tool['inputSchema'];

function asInputSchema(schema: JsonSchema): InputSchema {
  // MCP wants an object schema at the root; the SDK already requires one of plugins.
  return (schema['type'] === 'object' ? schema : { ...schema, type: 'object' }) as InputSchema;
}

/** A served tool as MCP `tools/list` shows it; annotations become MCP's hints. */
export function toMcpTool(tool: McpListedTool): Tool {
  const { readOnly, idempotent } = tool.annotations;
  const annotations: NonNullable<Tool['annotations']> = {};
  if (readOnly !== undefined) annotations.readOnlyHint = readOnly;
  if (readOnly === true) annotations.destructiveHint = false;
  if (idempotent !== undefined) annotations.idempotentHint = idempotent;
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: asInputSchema(tool.inputSchema),
    ...(tool.outputSchema === null
      ? {}
      : {
          outputSchema: {
            type: 'object',
            anyOf: [tool.outputSchema, TOOL_FAILURE_SCHEMA],
          } as NonNullable<Tool['outputSchema']>,
        }),
    annotations,
  };
}
