import { fail, type ToolResult } from '@toolhost/plugin-sdk';
import { bulkhead, isBulkheadRejectedError } from 'cockatiel';
import type { Policy } from './Policy.js';
import type { ResolvedPolicy } from './ResolvedPolicy.js';

/** At most `limit` calls of the tool run at once and `queue` wait; the rest answer `bulkhead_full`. */
export function bulkheadPolicy({ limit, queue }: ResolvedPolicy['bulkhead']): Policy {
  const slots = bulkhead(limit, queue);
  return (next) => (call) =>
    slots
      .execute(() => next(call))
      .catch((error: unknown): ToolResult => {
        if (!isBulkheadRejectedError(error)) throw error;
        return fail(
          `Tool '${call.tool.name}' is at capacity (${limit} running, ${queue} queued)`,
          'bulkhead_full',
        );
      });
}
