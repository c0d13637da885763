export type RegistryMode = 'legacy' | 'registry';
export type AuditWriteMode = 'sync' | 'async';
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Feature flags that force a built-in plugin on or off; unset leaves it to the manifest. */
export interface PluginFlags {
  rag?: boolean;
  memory?: boolean;
  escalation?: boolean;
  crm?: boolean;
  billing?: boolean;
}

/** How plugin runtimes are run and watched (DESIGN section 7); manifests' `limits` override some. */
export interface PluginRuntimeSettings {
  /** How long loading, `create` and `initialize` may take together, in every isolation. */
  startTimeoutMs: number;
  /** How long `cleanup` may take. */
  stopTimeoutMs: number;
  /** JS heap of a worker or a process (old generation), in MB. */
  heapMb: number;
  /** How far past its deadline a call may run, without a heartbeat, before its runtime is killed. */
  hangGraceMs: number;
  heartbeatMs: number;
  /** Crashes within a minute after which a plugin is marked failed until it is reloaded. */
  crashLimit: number;
  /**
   * How `process` plugins are confined: `bwrap` (the default; `process` is refused where it
   * does not run), or `permission`, the weaker mode an operator must choose explicitly.
   */
  processSandbox: 'bwrap' | 'permission';
}

/** The host's effective configuration, read from the environment and validated at start. */
export interface Settings {
  host: string;
  port: number;
  manifestsDir: string;
  pluginsDir: string;
  dataDir: string;
  /** `sqlite:<file>` (default `<dataDir>/toolhost.sqlite`) or a `postgres://` URL. */
  databaseUrl: string;
  redisUrl: string | null;
  useSharedContext: boolean;
  sessionTtlSeconds: number;
  auditWriteMode: AuditWriteMode;
  auditInlineMaxBytes: number;
  registryMode: RegistryMode;
  pluginFlags: PluginFlags;
  adminToken: string | null;
  logLevel: LogLevel;
  otlpEndpoint: string | null;
  bodyLimitBytes: number;
  /** Watch the manifests dir and apply changes while running. */
  watchManifests: boolean;
  /** How long disabling a plugin or stopping the host waits for in-flight calls. */
  drainTimeoutMs: number;
  pluginRuntime: PluginRuntimeSettings;
}
