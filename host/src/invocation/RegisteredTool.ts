import type { CallContext, JsonObject, ToolSpec } from '@toolhost/plugin-sdk';
import type { CallPolicy, Isolation } from '../manifests/Manifest.js';

/** Where a tool's code runs, as the call wrapper sees it: one attempt in, one answer out. */
export interface ToolRuntime {
  /** Resolves with what the tool method returned (unvalidated); rejects with what it threw. */
  invoke(tool: string, input: JsonObject, call: CallContext): Promise<unknown>;
}

/**
 * A tool the wrapper can call; a new object each time its plugin is (re)loaded, so the
 * wrapper's per-tool state (validators, breaker, bulkhead) starts afresh with it.
 */
export interface RegisteredTool<TRuntime extends ToolRuntime = ToolRuntime> {
  /** `<plugin>.<tool>`, e.g. `crm.lookup_customer`. */
  readonly name: string;
  readonly pluginName: string;
  readonly toolName: string;
  readonly spec: ToolSpec;
  readonly isolation: Isolation;
  /** The manifest's `policy` as written; the wrapper fills in the defaults. */
  readonly policy: CallPolicy;
  readonly runtime: TRuntime;
}
