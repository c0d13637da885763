import type { JsonObject, ToolResult } from '@toolhost/plugin-sdk';
import type { RegisteredTool } from './RegisteredTool.js';
import type { Deadline } from './DeadlineQueue.js';
import type { InvokeOptions } from './ToolInvoker.js';

/** One call on its way through the policies; the policies move `attempt` and `deadline` on. */
export interface PendingCall {
  readonly tool: RegisteredTool;
  readonly input: JsonObject;
  readonly options: InvokeOptions;
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
  /** How many times the tool itself was reached. */
  attempts: number;
  /** The current attempt's deadline, once the deadline policy has set one. */
  deadline: Deadline | null;
}

/** Runs a call (or what is left of it) and answers a ToolResult; never rejects. */
export type Step = (call: PendingCall) => Promise<ToolResult>;

/** One resilience or validation concern wrapped around the rest of the chain. */
export type Policy = (next: Step) => Step;

/** `compose([a, b], last)` runs a → b → last. */
export function compose(policies: readonly Policy[], last: Step): Step {
  return policies.reduceRight<Step>((next, policy) => policy(next), last);
}
