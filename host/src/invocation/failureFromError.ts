import {
  fail,
  isToolError,
  isToolErrorCode,
  isToolhostError,
  type ToolResult,
} from '@toolhost/plugin-sdk';

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message === '' ? 'The tool failed without a message' : message;
}

/**
 * What a thrown value means as a ToolResult: a ToolError (from any copy of the SDK) keeps
 * its code, a capability's permission refusal is `permission_denied`, a TimeoutError is
 * `timeout`, anything else is `internal`.
 */
export function failureFromError(error: unknown): ToolResult {
  if (isToolError(error)) {
    const code = isToolErrorCode(error.toolErrorCode) ? error.toolErrorCode : 'internal';
    return fail(messageOf(error), code);
  }
  if (isToolhostError(error) && error.code === 'TOOLHOST_ERR_PERMISSION_DENIED') {
    return fail(messageOf(error), 'permission_denied');
  }
  if (error instanceof Error && error.name === 'TimeoutError') {
    return fail(messageOf(error), 'timeout');
  }
  return fail(messageOf(error), 'internal');
}
