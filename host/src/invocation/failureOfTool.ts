import { fail, isToolError, type ToolResult } from '@toolhost/plugin-sdk';
import type winston from 'winston';
import { failureFromError } from './failureFromError.js';
import type { PendingCall } from './Policy.js';
import { isRuntimeFault } from './RuntimeFault.js';

/**
 * What the tool's own exception answers. A ToolError is the plugin's chosen way to fail
 * with a code and a message for the caller, and a RuntimeFault's message is the host's, so
 * both keep theirs; any other exception may carry internals (hosts, paths, queries), so the
 * client gets a generic message with the code and the log gets the plugin's own.
 */
export function failureOfTool(
  call: PendingCall,
  error: unknown,
  logger: winston.Logger,
): ToolResult {
  if (isToolError(error) || isRuntimeFault(error)) return failureFromError(error);
  const result = failureFromError(error);
  try {
    logger.warn({
      message: 'tool threw',
      request_id: call.options.requestId,
      session_id: call.options.sessionId,
      tool_name: call.tool.name,
      error_code: result.errorCode,
      error_name: error instanceof Error ? error.name : typeof error,
      error: result.error,
    });
  } catch {
    // a failing log transport must not fail the call it reports
  }
  return fail(`Tool '${call.tool.name}' failed with an internal error`, result.errorCode);
}
