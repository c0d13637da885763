import { stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { HostError } from '../errors.js';
import type { PackageSource } from '../manifests/Manifest.js';
import { compareFiles, digestOfDigests } from './fileDigest.js';
import type { InstallRecord } from './InstallRecord.js';

/** What the check needs of the installer: where releases live, their records, a reinstall. */
export interface InstalledReleases {
  readonly pluginsDir: string;
  readonly recordsDir: string;
  dirOf(pkg: string, version: string): string;
  record(pkg: string, version: string): Promise<InstallRecord | null>;
  /** Installs exactly this pinned release again (its folder is missing). */
  reinstall(
    source: PackageSource,
    pinned: { integrity: string; lockfile: string | null },
  ): Promise<InstallRecord>;
}

/** Which signatures count: TOOLHOST_REQUIRE_SIGNED_PLUGINS and the trusted key ids. */
export interface SignatureTrust {
  required: boolean;
  trustedKeyIds: ReadonlySet<string>;
}

export interface VerifyOptions {
  /** Reinstall a pinned release whose folder is missing (the default); false only reports it. */
  reinstall?: boolean;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The record must be of this release, unedited, and match every pin the manifest has. */
function checkRecord(
  plugin: string,
  label: string,
  source: PackageSource,
  record: InstallRecord,
  trust: SignatureTrust,
): void {
  const changed = (details: string) =>
    new HostError('TOOLHOST_ERR_PLUGIN_FILES_CHANGED', { plugin, package: label, details });
  if (record.package !== source.package || record.version !== source.version) {
    throw changed(`its install record is of ${record.package}@${record.version}`);
  }
  if (source.integrity !== undefined && source.integrity !== record.integrity) {
    throw new HostError('TOOLHOST_ERR_INTEGRITY_MISMATCH', {
      package: label,
      details: `the manifest of plugin '${plugin}' pins integrity ${source.integrity}, but the installed package has ${record.integrity}`,
    });
  }
  if (digestOfDigests(record.files) !== record.filesDigest) {
    throw changed('its install record was edited (its file list does not match its filesDigest)');
  }
  if (source.filesDigest !== undefined && source.filesDigest !== record.filesDigest) {
    throw changed(
      `its install record's filesDigest ${record.filesDigest} is not the manifest's pin ${source.filesDigest}`,
    );
  }
  if (trust.required && (record.signedBy === null || !trust.trustedKeyIds.has(record.signedBy))) {
    throw new HostError('TOOLHOST_ERR_SIGNATURE_INVALID', {
      package: label,
      details: `TOOLHOST_REQUIRE_SIGNED_PLUGINS is true and it was installed ${record.signedBy === null ? 'unsigned' : `signed by key ${record.signedBy}, which is not trusted now`}`,
    });
  }
}

/**
 * The check before every load of an installed registry plugin, whatever runtime then loads
 * it (so it runs in the host, before the runtime starts): the install record must exist and
 * match the manifest's pins (integrity, filesDigest), every file must be as recorded (the
 * first one changed, added or removed is named), and under TOOLHOST_REQUIRE_SIGNED_PLUGINS a
 * trusted key must have signed it. A pinned release whose folder is missing (a new machine,
 * an emptied plugins dir) is reinstalled first, and checked the same way.
 * @throws HostError `TOOLHOST_ERR_PLUGIN_NOT_INSTALLED`, `TOOLHOST_ERR_PLUGIN_FILES_CHANGED`,
 *   `TOOLHOST_ERR_INTEGRITY_MISMATCH` or `TOOLHOST_ERR_SIGNATURE_INVALID`.
 */
export async function verifyInstalledPlugin(
  releases: InstalledReleases,
  trust: SignatureTrust,
  plugin: string,
  source: PackageSource,
  options: VerifyOptions = {},
): Promise<InstallRecord> {
  const label = `${source.package}@${source.version}`;
  const dir = releases.dirOf(source.package, source.version);
  const notInstalled = (details: string, cause?: unknown) =>
    new HostError(
      'TOOLHOST_ERR_PLUGIN_NOT_INSTALLED',
      { plugin, package: label, details },
      cause === undefined ? undefined : { cause },
    );
  let record = await releases.record(source.package, source.version);
  const folder = await exists(dir);
  if (folder && record === null) {
    throw notInstalled(
      `${relative(releases.pluginsDir, dir)} has no install record in ${releases.recordsDir}, so it was not installed by toolhost plugins install; remove it and install the package`,
    );
  }
  if (!folder) {
    if (options.reinstall === false) throw notInstalled(`its folder ${dir} is missing`);
    const integrity = source.integrity ?? record?.integrity;
    if (integrity === undefined) {
      throw notInstalled(
        `its folder ${dir} is missing, and the manifest pins no integrity to reinstall it by`,
      );
    }
    try {
      record = await releases.reinstall(source, { integrity, lockfile: record?.lockfile ?? null });
    } catch (error) {
      throw notInstalled(
        `its folder is missing and reinstalling it failed: ${(error as Error).message}`,
        error,
      );
    }
  }
  if (record === null) throw notInstalled('its install record is missing');
  checkRecord(plugin, label, source, record, trust);
  const difference = await compareFiles(dir, record.files);
  if (difference !== null) {
    throw new HostError('TOOLHOST_ERR_PLUGIN_FILES_CHANGED', {
      plugin,
      package: label,
      details:
        difference.change === 'not a regular file'
          ? `${difference.file} is not a regular file`
          : `file ${difference.file} was ${difference.change} after install`,
    });
  }
  return record;
}
