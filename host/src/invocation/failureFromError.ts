import { fail, isToolError, type ToolResult } from '@toolhost/plugin-sdk';
import { isToolErrorCode } from '@toolhost/plugin-sdk/host';
import { isRuntimeFault } from './RuntimeFault.js';

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message === '' ? 'The tool failed without a message' : message;
}

/**
 * What a thrown value means as a ToolResult: a ToolError (from any copy of the SDK) keeps
 * its code (a capability the manifest does not grant throws one with `permission_denied`),
 * a RuntimeFault its code (`crashed`, `timeout`), a TimeoutError is `timeout`, anything
 * else is `internal`.
 */
export function failureFromError(error: unknown): ToolResult {
  if (isToolError(error)) {
    const code = isToolErrorCode(error.toolErrorCode) ? error.toolErrorCode : 'internal';
    return fail(messageOf(error), code);
  }
  if (isRuntimeFault(error)) return fail(messageOf(error), error.code);
  if (error instanceof Error && error.name === 'TimeoutError') {
    return fail(messageOf(error), 'timeout');
  }
  return fail(messageOf(error), 'internal');
}
