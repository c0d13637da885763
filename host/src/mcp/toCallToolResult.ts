import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolResult } from '@toolhost/plugin-sdk';

/** Where a ToolResult's `metadata` goes in an MCP result's `_meta`. */
export const METADATA_KEY = 'toolhost.dev/metadata';

/**
 * A ToolResult as an MCP `tools/call` result: `data` as `structuredContent` (and as JSON
 * text for clients that read only `content`); a failure as `isError: true` with
 * `{ errorCode, error }` as `structuredContent`.
 */
export function toCallToolResult(result: ToolResult): CallToolResult {
  // Most tools return no metadata: then there is no `_meta` for the client to parse.
  const meta =
    Object.keys(result.metadata).length === 0 ? {} : { _meta: { [METADATA_KEY]: result.metadata } };
  if (result.success) {
    return {
      content: [{ type: 'text', text: JSON.stringify(result.data) }],
      structuredContent: result.data,
      ...meta,
    };
  }
  const error = result.error ?? 'the tool call failed';
  const errorCode = result.errorCode ?? 'internal';
  return {
    isError: true,
    content: [{ type: 'text', text: `${errorCode}: ${error}` }],
    structuredContent: { errorCode, error },
    ...meta,
  };
}
