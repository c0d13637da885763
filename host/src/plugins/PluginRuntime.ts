import type { CallContext, HealthStatus, JsonObject } from '@toolhost/plugin-sdk';

/**
 * Where a plugin's code runs (inline in the host process, or a worker). The runtime
 * counts in-flight calls so `stop()` can drain them before `cleanup()`.
 */
export interface PluginRuntime {
  start(): Promise<void>;
  /** Resolves with what the tool method returned (unvalidated); rejects with what it threw. */
  invoke(tool: string, input: JsonObject, call: CallContext): Promise<unknown>;
  health(): Promise<HealthStatus>;
  /** Stops taking calls, waits up to `drainTimeoutMs` for in-flight ones, then runs `cleanup()`. */
  stop(drainTimeoutMs: number): Promise<void>;
  readonly inFlight: number;
}
