import { fail, type ToolResult } from '@toolhost/plugin-sdk';
import type { DeadlineQueue } from './DeadlineQueue.js';
import type { Policy } from './Policy.js';
import { failureFromError } from './failureFromError.js';

/**
 * Gives each attempt `timeoutMs`: at the deadline the attempt's AbortSignal is aborted
 * and the attempt answers `timeout`, whether or not the tool ever settles.
 */
export function deadlinePolicy(queue: DeadlineQueue, timeoutMs: number): Policy {
  return (next) => (call) =>
    new Promise<ToolResult>((resolve) => {
      const deadline = queue.add(() =>
        resolve(fail(`Tool '${call.tool.name}' timed out after ${timeoutMs} ms`, 'timeout')),
      );
      call.deadline = deadline;
      next(call).then(
        (result) => {
          queue.settle(deadline);
          resolve(result);
        },
        (error: unknown) => {
          queue.settle(deadline);
          resolve(failureFromError(error));
        },
      );
    });
}
