import type { ToolErrorCode, ToolResult } from '@toolhost/plugin-sdk';
import {
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhenResult,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import type winston from 'winston';
import type { Clock } from './Clock.js';
import type { ResolvedPolicy } from './ResolvedPolicy.js';
import type { CircuitStateName } from './ToolInvoker.js';

/**
 * Failures that say the tool or what it depends on is unwell, whoever calls it: a timeout,
 * a failing upstream, a runtime that died mid-call (`crashed`). Everything else is about one
 * call: bad input, a missing record, a refused grant, bad output, and `internal`, which one
 * odd input can cause (a NUL the database refuses); counting those would let one caller
 * switch a tool off for everyone.
 */
const BREAKER_FAILURES: ReadonlySet<ToolErrorCode> = new Set([
  'timeout',
  'upstream_error',
  'crashed',
]);

export function isBreakerFailure(result: unknown): boolean {
  const code = (result as ToolResult).errorCode;
  return (
    (result as ToolResult).success === false && code !== undefined && BREAKER_FAILURES.has(code)
  );
}

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/** One tool's circuit breaker: opens after N consecutive breaker failures. */
export class ToolBreaker {
  readonly policy: CircuitBreakerPolicy;
  /** When the circuit last opened, on the invoker's clock; null while it is not open. */
  #openedAt: number | null = null;

  constructor(
    toolName: string,
    private readonly options: ResolvedPolicy['circuitBreaker'],
    logger: winston.Logger,
    private readonly clock: Clock,
    onChange: (state: CircuitStateName) => void = () => undefined,
  ) {
    this.policy = circuitBreaker(handleWhenResult(isBreakerFailure), {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.consecutiveFailures),
    });
    const log = (level: 'info' | 'warn', message: string) => () =>
      logger.log({ level, message, tool_name: toolName });
    this.policy.onStateChange((state) => {
      this.#openedAt = state === CircuitState.Open ? this.clock.now() : null;
      onChange(STATE_NAMES[state]);
    });
    this.policy.onBreak(log('warn', 'circuit breaker opened'));
    this.policy.onHalfOpen(log('info', 'circuit breaker half-open: probing'));
    this.policy.onReset(log('info', 'circuit breaker closed'));
  }

  /**
   * cockatiel moves an open circuit to half-open only inside the next call; report
   * 'half-open' as soon as that next call would be let through as the probe.
   */
  get state(): CircuitStateName {
    const state = this.policy.state;
    if (
      state === CircuitState.Open &&
      this.#openedAt !== null &&
      this.clock.now() - this.#openedAt >= this.options.halfOpenAfterMs
    ) {
      return 'half-open';
    }
    return STATE_NAMES[state];
  }
}
