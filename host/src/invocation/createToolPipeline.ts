import type winston from 'winston';
import { breakerPolicy } from './breakerPolicy.js';
import type { Clock } from './Clock.js';
import { bulkheadPolicy } from './bulkheadPolicy.js';
import type { DeadlineQueue } from './DeadlineQueue.js';
import { deadlinePolicy } from './deadlinePolicy.js';
import { inputValidationPolicy } from './inputValidationPolicy.js';
import { compose, type Policy, type Step } from './Policy.js';
import { reachTool } from './reachTool.js';
import type { RegisteredTool } from './RegisteredTool.js';
import { resolvePolicy } from './resolvePolicy.js';
import { retryPolicy } from './retryPolicy.js';
import { ToolBreaker } from './ToolBreaker.js';
import { compileToolValidators } from './ToolValidators.js';
import { validateOutput } from './validateOutput.js';
import type { CircuitStateName } from './ToolInvoker.js';

/** Everything the invoker keeps per RegisteredTool: built once, dropped with the tool. */
export interface ToolPipeline {
  readonly run: Step;
  readonly breaker: ToolBreaker;
}

export interface ToolPipelineDeps {
  logger: winston.Logger;
  clock: Clock;
  deadlines(timeoutMs: number): DeadlineQueue;
  random?: () => number;
  onCircuitChange?: (tool: string, state: CircuitStateName) => void;
}

/**
 * DESIGN section 6, in order: input validation → bulkhead → circuit breaker → retry
 * (idempotent tools only) → deadline → the runtime → output validation.
 */
export function createToolPipeline(tool: RegisteredTool, deps: ToolPipelineDeps): ToolPipeline {
  const { spec } = tool;
  const policy = resolvePolicy(tool.policy);
  const validators = compileToolValidators(tool);
  const onCircuitChange = deps.onCircuitChange;
  const breaker = new ToolBreaker(
    tool.name,
    policy.circuitBreaker,
    deps.logger,
    deps.clock,
    onCircuitChange && ((state) => onCircuitChange(tool.name, state)),
  );
  const policies: Policy[] = [
    inputValidationPolicy(validators.input),
    bulkheadPolicy(policy.bulkhead),
    breakerPolicy(breaker, policy.circuitBreaker.consecutiveFailures),
  ];
  if (spec.annotations?.idempotent === true && policy.retry.maxAttempts > 1) {
    policies.push(retryPolicy(policy.retry, deps.random));
  }
  policies.push(deadlinePolicy(deps.deadlines(policy.timeoutMs), policy.timeoutMs));
  return {
    run: compose(policies, validateOutput(validators, reachTool(deps.logger), deps.logger)),
    breaker,
  };
}
