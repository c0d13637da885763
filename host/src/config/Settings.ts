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
}
