import type { JsonObject } from '@toolhost/plugin-sdk';
import type { PluginPermissions } from '@toolhost/plugin-sdk/host';

export type ManifestSource = { path: string } | PackageSource | McpSource;

/** An outside MCP server whose tools the host serves as this plugin's (DESIGN section 10a). */
export interface McpSource {
  mcp: McpStdioServer | McpHttpServer;
}

/** A stdio MCP server: a child the host starts and supervises. */
export interface McpStdioServer {
  /** `node` (the host's own Node), an absolute path, or a program on the host's PATH. */
  command: string;
  args?: string[];
  /** Its whole environment (with the manifest's `secrets`, by name): nothing else is passed. */
  env?: Record<string, string>;
}

/** A Streamable HTTP MCP server; its origin must be granted in `permissions.http`. */
export interface McpHttpServer {
  url: string;
}

export function isMcpSource(source: ManifestSource): source is McpSource {
  return 'mcp' in source;
}

/** An installed registry package, pinned (`toolhost plugins install` writes it). */
export interface PackageSource {
  package: string;
  version: string;
  /** The tarball's sha512 as the registry served it at install. */
  integrity?: string;
  /** sha256 over the install record's digest of every installed file (tamper evidence). */
  filesDigest?: string;
}

export type Isolation = 'inline' | 'worker' | 'process';

export interface RetryPolicy {
  maxAttempts?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export interface CircuitBreakerPolicy {
  consecutiveFailures?: number;
  halfOpenAfterMs?: number;
}

export interface BulkheadPolicy {
  limit?: number;
  queue?: number;
}

export interface CallPolicy {
  timeoutMs?: number;
  retry?: RetryPolicy;
  circuitBreaker?: CircuitBreakerPolicy;
  bulkhead?: BulkheadPolicy;
}

/** Per-plugin overrides of the host's plugin runtime settings. */
export interface RuntimeLimits {
  /** JS heap of its worker or process, in MB. */
  heapMb?: number;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
}

/** What the manifest grants the plugin: the SDK's rule, shared by the host and the harness. */
export type ManifestPermissions = PluginPermissions;

/** `manifests/<name>.json`: how one installed plugin is loaded, configured and constrained. */
export interface Manifest {
  name: string;
  enabled: boolean;
  source: ManifestSource;
  isolation?: Isolation;
  config?: JsonObject;
  secrets?: Record<string, { env: string }>;
  permissions?: ManifestPermissions;
  policy?: CallPolicy;
  limits?: RuntimeLimits;
}

/** How `source` reads in listings: its folder, `package@version`, or the MCP server. */
export function sourceLabel(source: ManifestSource): string {
  if ('path' in source) return source.path;
  if ('package' in source) return `${source.package}@${source.version}`;
  const server = source.mcp;
  return 'url' in server
    ? `mcp ${server.url}`
    : `mcp ${[server.command, ...(server.args ?? [])].join(' ')}`;
}
