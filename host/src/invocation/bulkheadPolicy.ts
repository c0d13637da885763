import { fail } from '@toolhost/plugin-sdk';
import { bulkhead } from 'cockatiel';
import type { Policy } from './Policy.js';
import type { ResolvedPolicy } from './ResolvedPolicy.js';

/** At most `limit` calls of the tool run at once and `queue` wait; the rest answer `bulkhead_full`. */
export function bulkheadPolicy({ limit, queue }: ResolvedPolicy['bulkhead']): Policy {
  const slots = bulkhead(limit, queue);
  return (next) => (call) => {
    // cockatiel would reject with BulkheadRejectedError; asking first spares every
    // admitted call a rejection handler.
    if (slots.executionSlots <= 0 && slots.queueSlots <= 0) {
      return Promise.resolve(
        fail(
          `Tool '${call.tool.name}' is at capacity (${limit} running, ${queue} queued)`,
          'bulkhead_full',
        ),
      );
    }
    return slots.execute(() => next(call));
  };
}
