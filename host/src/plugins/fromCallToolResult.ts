import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { fail, ok, type JsonObject, type ToolResult } from '@toolhost/plugin-sdk';

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(result: CallToolResult): string {
  const texts = result.content.flatMap((block) => (block.type === 'text' ? [block.text] : []));
  return texts.join('\n').slice(0, 2_000);
}

/**
 * An MCP server's answer as a ToolResult: `structuredContent` is its `data` (checked
 * against the tool's outputSchema by the wrapper), otherwise `{ content }` with its content
 * blocks; `isError` is a failure with `upstream_error`, its text as the error.
 */
export function fromCallToolResult(result: CallToolResult): ToolResult {
  if (result.isError === true) {
    return fail(textOf(result) || 'the MCP server reported an error', 'upstream_error');
  }
  const data = isPlainObject(result.structuredContent)
    ? result.structuredContent
    : { content: result.content };
  return ok(data);
}
