import type { Isolation, ToolSpec } from '@toolhost/plugin-sdk';
import type { ResolvedPolicy } from '../invocation/ResolvedPolicy.js';
import type { PluginRuntime } from './PluginRuntime.js';

/** A tool as the registry serves it; a new object each time its plugin is (re)loaded. */
export interface RegisteredTool {
  /** `<plugin>.<tool>`, e.g. `crm.lookup_customer`. */
  readonly name: string;
  readonly pluginName: string;
  readonly toolName: string;
  readonly spec: ToolSpec;
  readonly isolation: Isolation;
  readonly policy: ResolvedPolicy;
  readonly runtime: PluginRuntime;
}
