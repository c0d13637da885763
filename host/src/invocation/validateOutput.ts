import { fail, type ToolResult } from '@toolhost/plugin-sdk';
import type winston from 'winston';
import { failureOfTool } from './failureOfTool.js';
import type { PendingCall, Step } from './Policy.js';
import type { ToolValidators } from './ToolValidators.js';

/** Reaches the tool; resolves with whatever it answered, rejects with whatever it threw. */
export type RawStep = (call: PendingCall) => Promise<unknown>;

/**
 * Turns what the tool did into a ToolResult: a throw through failureOfTool (a generic
 * message for the client, the plugin's own for the log), an answer checked against the
 * SDK's ToolResult schema and, on success, `data` against the tool's outputSchema. An
 * answer that breaks either is `invalid_output`.
 */
export function validateOutput(
  { result, data }: ToolValidators,
  reach: RawStep,
  logger: winston.Logger,
): Step {
  return (call) =>
    reach(call).then(
      (answer): ToolResult => {
        const broken = result(answer);
        if (broken !== null) {
          return fail(
            `Tool '${call.tool.name}' answered an invalid ToolResult: ${broken}`,
            'invalid_output',
          );
        }
        const checked = answer as ToolResult;
        if (checked.success && data !== null) {
          const badData = data(checked.data);
          if (badData !== null) {
            return fail(
              `Tool '${call.tool.name}' answered data that breaks its outputSchema: ${badData}`,
              'invalid_output',
            );
          }
        }
        return checked;
      },
      (error: unknown) => failureOfTool(call, error, logger),
    );
}
