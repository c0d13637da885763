import type { HealthStatus } from '@toolhost/plugin-sdk';
import type { ToolRuntime } from '../invocation/RegisteredTool.js';

/**
 * Where a plugin's code runs (inline in the host process, or a worker): the ToolRuntime the
 * call wrapper invokes, plus its lifecycle. The runtime counts in-flight calls so `stop()`
 * can drain them before `cleanup()`.
 */
export interface PluginRuntime extends ToolRuntime {
  start(): Promise<void>;
  health(): Promise<HealthStatus>;
  /** Stops taking calls, waits up to `drainTimeoutMs` for in-flight ones, then runs `cleanup()`. */
  stop(drainTimeoutMs: number): Promise<void>;
  readonly inFlight: number;
}
