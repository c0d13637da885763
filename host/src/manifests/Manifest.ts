import type { JsonObject } from '@toolhost/plugin-sdk';
import type { PluginPermissions } from '@toolhost/plugin-sdk/host';

export type ManifestSource = { path: string } | PackageSource;

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
