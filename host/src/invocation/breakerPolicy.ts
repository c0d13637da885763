import { fail, type ToolResult } from '@toolhost/plugin-sdk';
import { CircuitState, isBrokenCircuitError } from 'cockatiel';
import type { Policy } from './Policy.js';
import type { ToolBreaker } from './ToolBreaker.js';

/**
 * Runs calls through the tool's circuit breaker. Only `timeout`, `upstream_error` and
 * `crashed` count as failures (see ToolBreaker); while the circuit is open calls answer `circuit_open`
 * without reaching the tool.
 */
export function breakerPolicy(breaker: ToolBreaker, consecutiveFailures: number): Policy {
  const circuitOpen = (error: unknown, toolName: string): ToolResult => {
    if (!isBrokenCircuitError(error)) throw error;
    return fail(
      `Tool '${toolName}' is unavailable: its circuit breaker opened after ${consecutiveFailures} consecutive failures`,
      'circuit_open',
    );
  };
  return (next) => (call) => {
    const running = breaker.policy.execute(() => next(call));
    // A closed circuit only passes on what the call itself threw; only the other states
    // can refuse the call.
    if (breaker.policy.state === CircuitState.Closed) return running;
    return running.catch((error: unknown) => circuitOpen(error, call.tool.name));
  };
}
