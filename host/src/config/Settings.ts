import type { BlobLocation } from './parseBlobUrl.js';

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

/** What an API key may do; no scope implies another. */
export const API_KEY_SCOPES = ['messages', 'tools', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/**
 * One API key (from TOOLHOST_API_KEYS, TOOLHOST_API_KEYS_FILE or TOOLHOST_ADMIN_TOKEN). The
 * secret itself is never kept: only its SHA-256.
 */
export interface ApiKeySetting {
  name: string;
  /** SHA-256 of the key, lowercase hex. */
  sha256: string;
  scopes: ApiKeyScope[];
  /** Tools (`plugin.tool` or `plugin.*`) it may list and call directly; null: every tool. */
  tools: string[] | null;
  /** Further restricts direct calls to tools annotated `readOnly: true`. */
  readOnly: boolean;
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
  /** `OTEL_BSP_SCHEDULE_DELAY`: how long spans wait to be exported in one batch. */
  otlpExportDelayMs: number;
  /**
   * Continue an incoming W3C `traceparent` (`TOOLHOST_ACCEPT_TRACEPARENT`); false when callers
   * are not trusted with the trace ids of audit rows and spans (and their sampling flag).
   */
  acceptTraceContext: boolean;
  bodyLimitBytes: number;
  /** Watch the manifests dir and apply changes while running. */
  watchManifests: boolean;
  /** How long disabling a plugin or stopping the host waits for in-flight calls. */
  drainTimeoutMs: number;
  pluginRuntime: PluginRuntimeSettings;
  /** Every configured API key, the admin token's included; empty means protected (loopback-only) mode. */
  apiKeys: ApiKeySetting[];
  /** Serve `GET /metrics` without a key. */
  metricsPublic: boolean;
  /** How long start-up retries an unreachable PostgreSQL or Redis before it gives up. */
  startupTimeoutMs: number;
  /** How long a message's answer is kept for retries with the same Idempotency-Key. */
  idempotencyTtlSeconds: number;
  /** Where `toolhost plugins install` gets packages, and which of them it trusts. */
  packageRegistry: PackageRegistrySettings;
  /** Where audit payloads larger than `auditInlineMaxBytes` go (`AUDIT_BLOB_URL`, `AWS_*`). */
  auditBlobs: AuditBlobSettings;
  fleet: FleetSettings;
  /** The MCP server at `/mcp`. */
  mcp: McpSettings;
}

/** The audit blob store: files under `<dataDir>/blobs/`, or an S3 bucket. */
export interface AuditBlobSettings {
  location: BlobLocation;
  /** `AWS_ENDPOINT_URL_S3`: an S3-compatible server, addressed path-style. */
  endpoint: string | null;
  /** `AWS_REGION`. */
  region: string | null;
  /** `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`; null: the SDK's default chain. */
  credentials: { accessKeyId: string; secretAccessKey: string } | null;
}

/** How this host shares the desired plugin state with the other hosts on its database. */
export interface FleetSettings {
  /**
   * `files`: `manifests/` (one host). `database`: the `plugin_manifest` table, seeded from
   * `manifests/` when empty, changes notified to every host (PostgreSQL only).
   */
  manifestStore: 'files' | 'database';
  /** How this host names itself in the table of what each host runs. */
  hostId: string;
  /** How often the desired state is read again even without a notification, and hosts report. */
  reconcileMs: number;
}

/** The sessions of the MCP server at `/mcp`. */
export interface McpSettings {
  /** A session no request touched for this long is closed (its id then answers 404). */
  sessionIdleMs: number;
  /** Open MCP sessions one API key may hold at once. */
  sessionsPerKey: number;
}

/** The private npm registry plugins are installed from, and the trust put in its packages. */
export interface PackageRegistrySettings {
  /** `TOOLHOST_REGISTRY_URL`; null: no installs, and a missing installed package stays missing. */
  url: string | null;
  /** Bearer token for reading (and, for `plugins sign`, tagging) packages. */
  token: string | null;
  /** Per request to the registry (and to npm for dependencies). */
  timeoutMs: number;
  /** Retries of a failed request, with growing waits. */
  retries: number;
  /** Refuse every registry plugin that no trusted publisher key signed. */
  requireSignedPlugins: boolean;
  /** ed25519 public keys, 32 raw bytes in base64 each. */
  trustedPublisherKeys: string[];
}
