import type { JsonSchema, ToolAnnotations } from '@toolhost/plugin-sdk/host';
import type { CircuitStateName } from '../invocation/ToolInvoker.js';
import type { Isolation, Manifest } from '../manifests/Manifest.js';
import type { RuntimeReport } from './PluginRuntime.js';

export type PluginState = 'loading' | 'enabled' | 'disabled' | 'failed' | 'draining';

/** How one plugin stands, as reported by logs, `/readyz`, `/v1/tools` and the admin API. */
export interface PluginStatus {
  name: string;
  state: PluginState;
  /** The manifest file it came from; null for built-ins wired in legacy mode. */
  manifestFile: string | null;
  version: string | null;
  /** The isolation actually running; the manifest's while nothing runs. */
  isolation: Isolation;
  tools: string[];
  /** Why it failed to load or was stopped for crashing, or why its manifest is refused. */
  error: string | null;
  /** How its running version runs (sandbox, restarts, last fault); null while none runs. */
  runtime: RuntimeReport | null;
  updatedAt: string;
}

export interface ToolDescription {
  name: string;
  plugin: string;
  description: string;
  inputSchema: JsonSchema;
  outputSchema: JsonSchema | null;
  annotations: ToolAnnotations;
  isolation: Isolation;
  /** The confinement of a `process` plugin in force (`bwrap`, or `permission`); else null. */
  sandbox: string | null;
  state: { enabled: boolean; healthy: boolean; circuit: CircuitStateName };
}

/** Plugin operations behind the admin API and the CLI. */
export interface PluginAdmin {
  list(): PluginStatus[];
  /**
   * Every operation rejects with HostError `TOOLHOST_ERR_PLUGIN_UNKNOWN` when no manifest
   * names the plugin. `enable` and `reload` reject with the coded reason (an invalid
   * manifest or config, an incompatible SDK, a failed load) when the plugin cannot be
   * started, and an enable that fails leaves the manifest as it was.
   */
  enable(name: string): Promise<PluginStatus>;
  disable(name: string): Promise<PluginStatus>;
  reload(name: string): Promise<PluginStatus>;
  /**
   * Replaces the operator's part of a manifest (`enabled`, isolation, config, secrets,
   * permissions, policy, limits), keeping its name and source; absent in legacy mode.
   * @throws HostError `TOOLHOST_ERR_MANIFEST_INVALID` (nothing is written), or the coded
   * reason an enabled plugin cannot start with it (the previous manifest is put back).
   */
  configure?(name: string, choices: OperatorManifest): Promise<PluginStatus>;
}

/** What an operator may set in a manifest through the admin API: all but name and source. */
export type OperatorManifest = Partial<Omit<Manifest, 'name' | 'source'>>;
