import type { ManifestEntry } from '../manifests/readManifests.js';

/** One host's heartbeat row. */
export interface FleetHostRow {
  hostId: string;
  url: string | null;
  seenAt: Date;
}

/** What one host reported running of one plugin. */
export interface FleetStateRow {
  hostId: string;
  plugin: string;
  state: string;
  version: string | null;
  /** The hash of the manifest it applied last. */
  revision: string | null;
  error: string | null;
}

/** Where one host differs from the desired state. */
export interface Drift {
  host: string;
  plugin: string;
  /** What the host runs (null: nothing, or it never reported the plugin). */
  version: string | null;
  state: string | null;
  reason: string;
}

export interface FleetReport {
  /** The host that answered. */
  hostId: string;
  hosts: { hostId: string; url: string | null; seenAt: string; stale: boolean }[];
  desired: {
    name: string;
    revision: string;
    enabled: boolean | null;
    /** The pinned package version of a registry install; null for a folder source. */
    version: string | null;
    error: string | null;
  }[];
  /** Every (host, plugin) that is not as desired; hosts not seen lately are left out. */
  drift: Drift[];
}

export interface FleetDriftInput {
  hostId: string;
  desired: readonly ManifestEntry[];
  hosts: readonly FleetHostRow[];
  states: readonly FleetStateRow[];
  now: Date;
  /** A host unseen for longer is stale: listed, but its rows are no drift. */
  staleAfterMs: number;
}

function desiredVersion(entry: ManifestEntry): string | null {
  const source = entry.manifest?.source;
  return source && 'package' in source ? source.version : null;
}

function driftOf(entry: ManifestEntry, row: FleetStateRow | undefined): string | null {
  if (row === undefined) return 'has not reported this plugin';
  if (row.revision !== entry.hash) return 'has not applied the latest manifest';
  if (entry.manifest === null) return null;
  const { enabled } = entry.manifest;
  if (enabled && row.state !== 'enabled') {
    return `desired enabled, is ${row.state}${row.error ? `: ${row.error}` : ''}`;
  }
  if (!enabled && (row.state === 'enabled' || row.state === 'loading')) {
    return `desired disabled, is ${row.state}`;
  }
  const version = desiredVersion(entry);
  if (enabled && version !== null && row.version !== version) {
    return `runs version ${row.version ?? 'none'}, desired ${version}`;
  }
  return null;
}

/** Compares what every live host reported with the desired state. */
export function fleetDrift(input: FleetDriftInput): FleetReport {
  const hosts = input.hosts.map((host) => ({
    hostId: host.hostId,
    url: host.url,
    seenAt: host.seenAt.toISOString(),
    stale: input.now.getTime() - host.seenAt.getTime() > input.staleAfterMs,
  }));
  const live = hosts.filter((host) => !host.stale).map((host) => host.hostId);
  const byKey = new Map(input.states.map((row) => [`${row.hostId}\u0000${row.plugin}`, row]));
  const desiredNames = new Set(input.desired.map((entry) => entry.name));
  const drift: Drift[] = [];
  for (const host of live) {
    for (const entry of input.desired) {
      const row = byKey.get(`${host}\u0000${entry.name}`);
      const reason = driftOf(entry, row);
      if (reason !== null) {
        drift.push({
          host,
          plugin: entry.name,
          version: row?.version ?? null,
          state: row?.state ?? null,
          reason,
        });
      }
    }
    for (const row of input.states) {
      if (row.hostId !== host || desiredNames.has(row.plugin)) continue;
      if (row.state === 'enabled' || row.state === 'loading' || row.state === 'draining') {
        drift.push({
          host,
          plugin: row.plugin,
          version: row.version,
          state: row.state,
          reason: 'not in the desired state, still running',
        });
      }
    }
  }
  return {
    hostId: input.hostId,
    hosts,
    desired: input.desired.map((entry) => ({
      name: entry.name,
      revision: entry.hash,
      enabled: entry.manifest?.enabled ?? null,
      version: desiredVersion(entry),
      error: entry.error,
    })),
    drift,
  };
}
