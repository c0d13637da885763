import { fail, type ToolResult } from '@toolhost/plugin-sdk';
import type { DeadlineQueue } from './DeadlineQueue.js';
import type { Policy } from './Policy.js';
import { failureFromError } from './failureFromError.js';

/**
 * Gives each attempt `timeoutMs`: at the deadline the attempt's AbortSignal is aborted
 * and the attempt answers `timeout`, whether or not the tool ever settles. An answer that
 * comes after the deadline is a timeout too, even when the tool kept the thread so busy
 * that the deadline's timer could not fire.
 */
export function deadlinePolicy(queue: DeadlineQueue, timeoutMs: number): Policy {
  return (next) => (call) =>
    new Promise<ToolResult>((resolve) => {
      const timedOut = () =>
        resolve(fail(`Tool '${call.tool.name}' timed out after ${timeoutMs} ms`, 'timeout'));
      const deadline = queue.add(timedOut);
      call.deadline = deadline;
      const settle = (result: ToolResult) => {
        if (queue.overdue(deadline)) {
          deadline.expire();
          queue.settle(deadline);
          return;
        }
        queue.settle(deadline);
        resolve(result);
      };
      next(call).then(settle, (error: unknown) => settle(failureFromError(error)));
    });
}
