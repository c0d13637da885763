import { HostError } from '../errors.js';
import type { Manifest } from './Manifest.js';
import type { ManifestEntry } from './readManifests.js';

/**
 * Where the desired plugin state lives: the files of `manifests/` (one host, the default) or
 * the `plugin_manifest` table every host of a fleet shares. The plugin manager, the admin API,
 * the CLI and registry installs read and write manifests only through it.
 */
export interface ManifestStore {
  readonly kind: 'files' | 'database';
  /** Where manifest `name` is kept, as messages name it: a file path or `plugin_manifest/<name>`. */
  locationOf(name: string): string;
  /** Every manifest, valid or refused (a bad one never hides the others), by name. */
  list(): Promise<ManifestEntry[]>;
  /** One manifest; null when none is stored under that name. */
  read(name: string): Promise<ManifestEntry | null>;
  /** The stored text of manifest `name`, as written (valid or not); null when none is stored. */
  readText(name: string): Promise<string | null>;
  /**
   * Stores a whole manifest, validated first.
   * @throws HostError `TOOLHOST_ERR_MANIFEST_INVALID` (nothing is written then).
   */
  write(manifest: Manifest): Promise<void>;
  /**
   * Sets `enabled`, keeping every other field. Resolves to a function that puts the manifest
   * back exactly as it was, or null when it had that value already.
   * @throws HostError `TOOLHOST_ERR_MANIFEST_INVALID` when the stored manifest is not a JSON object.
   */
  setEnabled(name: string, enabled: boolean): Promise<(() => Promise<void>) | null>;
  remove(name: string): Promise<void>;
  /**
   * Calls `onChange` soon after a manifest may have changed (a file event, a notification from
   * another host); resolves to a function that stops watching. Callers reconcile periodically
   * as well: a watch can miss events.
   */
  watch(onChange: () => void, onError: (error: Error) => void): Promise<() => Promise<void>>;
}

const PLUGIN_NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/**
 * A name a manifest may have (the schema's `name` pattern). Stores check every name they are
 * given with it, so `../x` or `a/b` from a URL or the command line never names a path.
 * @throws HostError `TOOLHOST_ERR_PLUGIN_UNKNOWN`: no manifest can have that name.
 */
export function assertPluginName(name: string): void {
  if (!PLUGIN_NAME.test(name)) throw new HostError('TOOLHOST_ERR_PLUGIN_UNKNOWN', { plugin: name });
}
