import { HostError } from '../errors.js';
import type { Isolation, Manifest, PackageSource } from '../manifests/Manifest.js';
import type { InstallRecord } from './InstallRecord.js';

/**
 * The isolation a registry install gets unless the operator lowers it explicitly (DESIGN
 * section 7: code you did not write runs in its own process). The one place it is decided.
 */
export const INSTALLED_PLUGIN_ISOLATION: Isolation = 'process';

/** What an operator chooses for an installed plugin; name, source and pins are the installer's. */
export type ManifestChoices = Pick<
  Manifest,
  'isolation' | 'config' | 'secrets' | 'permissions' | 'policy'
>;

const CHOSEN: ReadonlySet<string> = new Set([
  'isolation',
  'config',
  'secrets',
  'permissions',
  'policy',
]);

/**
 * Reads the operator's choices (`--manifest file`, the install request's `manifest`). A
 * package never grants itself permissions: they come only from here.
 * @throws HostError `TOOLHOST_ERR_MANIFEST_INVALID` for a field the installer sets itself.
 */
export function manifestChoicesOf(value: unknown, file: string): ManifestChoices {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HostError('TOOLHOST_ERR_MANIFEST_INVALID', { file, details: 'not a JSON object' });
  }
  const extra = Object.keys(value).filter((key) => !CHOSEN.has(key) && key !== '$schema');
  if (extra.length > 0) {
    throw new HostError('TOOLHOST_ERR_MANIFEST_INVALID', {
      file,
      details: `field ${extra.map((key) => `"${key}"`).join(', ')} is set by the installer; give only ${[...CHOSEN].join(', ')}`,
    });
  }
  const choices = { ...(value as ManifestChoices & { $schema?: unknown }) };
  delete choices.$schema;
  return choices;
}

/** The manifest source that pins an installed release. */
export function pinnedSourceOf(record: InstallRecord): PackageSource {
  return {
    package: record.package,
    version: record.version,
    integrity: record.integrity,
    filesDigest: record.filesDigest,
  };
}

/** The manifest an install writes: pinned to name, version, integrity and file digest. */
export function installedManifest(
  record: InstallRecord,
  enabled: boolean,
  choices: ManifestChoices = {},
): Manifest {
  return {
    name: record.pluginName,
    enabled,
    source: pinnedSourceOf(record),
    ...choices,
    isolation: choices.isolation ?? INSTALLED_PLUGIN_ISOLATION,
  };
}
