import { fail, type ToolResult } from '@toolhost/plugin-sdk';
import { isBrokenCircuitError } from 'cockatiel';
import type { Policy } from './Policy.js';
import type { ToolBreaker } from './ToolBreaker.js';

/**
 * Runs calls through the tool's circuit breaker. Only `timeout`, `upstream_error` and
 * `internal` count as failures; while the circuit is open calls answer `circuit_open`
 * without reaching the tool.
 */
export function breakerPolicy(breaker: ToolBreaker, consecutiveFailures: number): Policy {
  return (next) => (call) =>
    breaker.policy
      .execute(() => next(call))
      .catch((error: unknown): ToolResult => {
        if (!isBrokenCircuitError(error)) throw error;
        return fail(
          `Tool '${call.tool.name}' is unavailable: its circuit breaker opened after ${consecutiveFailures} consecutive failures`,
          'circuit_open',
        );
      });
}
