import type { HealthStatus } from '@toolhost/plugin-sdk';
import type { ToolRuntime } from '../invocation/RegisteredTool.js';
import type { Isolation } from '../manifests/Manifest.js';

/** How a plugin's runtime runs now, as `/readyz`, `/v1/tools` and the admin API show it. */
export interface RuntimeReport {
  /** The isolation actually running (not only the one the manifest asks for). */
  isolation: Isolation;
  /** For `process`: the confinement in force (`bwrap`, or the weaker mode the operator chose). */
  sandbox: string | null;
  /** How often its worker or process was started again after a crash. */
  restarts: number;
  /** Why it last crashed (or was killed for a hang), if it ever did. */
  lastFault: string | null;
}

/**
 * Where a plugin's code runs (inline in the host process, a worker, a child process): the
 * ToolRuntime the call wrapper invokes, plus its lifecycle. The runtime counts in-flight
 * calls so `stop()` can drain them before `cleanup()`.
 */
export interface PluginRuntime extends ToolRuntime {
  /**
   * Loads the plugin if the runtime imports it itself, then runs `create` and `initialize`.
   * @throws a coded error when that fails, overruns its start timeout (HostError
   * `TOOLHOST_ERR_PLUGIN_TIMEOUT`) or `signal` aborts; nothing of the attempt keeps running.
   */
  start(signal?: AbortSignal): Promise<void>;
  health(): Promise<HealthStatus>;
  /**
   * Stops taking calls, waits up to `drainTimeoutMs` for in-flight ones, then runs `cleanup()`
   * within its stop timeout (and ends the worker or process).
   */
  stop(drainTimeoutMs: number): Promise<void>;
  readonly inFlight: number;
  readonly report: RuntimeReport;
  /** `listener` runs once if the runtime gives up for good (it crashed too often). */
  onFailure(listener: (error: Error) => void): void;
  /**
   * For runtimes whose tools change while they run (a mounted MCP server's list_changed):
   * `listener` runs after each change; the StartedPlugin's description then holds the new tools.
   */
  onToolsChanged?(listener: () => void): void;
}

/** The lifecycle timeouts of one plugin: settings, overridden by its manifest's `limits`. */
export interface LifecycleTimeouts {
  startTimeoutMs: number;
  stopTimeoutMs: number;
}
