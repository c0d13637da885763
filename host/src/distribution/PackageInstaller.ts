import { randomBytes, type KeyObject } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import semver from 'semver';
import { KeyedMutex } from '@toolhost/plugin-sdk';
import { SDK_VERSION } from '@toolhost/plugin-sdk/host';
import type { PackageRegistrySettings } from '../config/Settings.js';
import { HostError, isHostError } from '../errors.js';
import type { PackageSource } from '../manifests/Manifest.js';
import { extractTarball } from './extractTarball.js';
import { fetchTarball } from './fetchTarball.js';
import { compareFiles, digestFiles, digestOfDigests } from './fileDigest.js';
import {
  installedDirOf,
  installLayout,
  recordFileOf,
  releaseKey,
  type InstallLayout,
} from './installedPaths.js';
import { installDependencies } from './installDependencies.js';
import type { ProgressListener } from './InstallProgress.js';
import { readInstallRecord, writeInstallRecord, type InstallRecord } from './InstallRecord.js';
import { inspectTarball } from './inspectTarball.js';
import { parsePackageSpec, type PackageSpec } from './parsePackageSpec.js';
import { readToolhostFields } from './readToolhostFields.js';
import { registryAccess, type RegistryAccess } from './registryAccess.js';
import { keyIdOf, parsePublicKey, verifyRelease } from './releaseSignatures.js';
import { resolveRelease, type Release } from './resolveRelease.js';
import { TARBALL_LIMITS, type TarballLimits } from './tarballLimits.js';

export interface PackageInstallerOptions {
  pluginsDir: string;
  dataDir: string;
  registry: PackageRegistrySettings;
  /** The SDK version plugins must accept (the host's). */
  sdkVersion?: string;
  limits?: TarballLimits;
}

export interface InstallOptions {
  onProgress?: ProgressListener;
  /** Runs once the release is resolved, before anything is downloaded; may refuse it by throwing. */
  accept?: (release: Release) => void | Promise<void>;
  /** A reinstall of a pinned release: its integrity must match, its lockfile is reused. */
  pinned?: { integrity: string; filesDigest?: string | undefined; lockfile: string | null };
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

/**
 * Installs plugin packages from the registry into versioned folders, and checks an
 * installed one before every load. The install pipeline: resolve (full metadata; integrity,
 * SDK range) → publisher signature → download (sha512 checked by pacote, size limited) →
 * inspect every tar header → extract only those entries → re-check the unpacked
 * package.json → production dependencies with scripts disabled → digest of every file →
 * move the folder into place → write the record. Nothing of the package runs on the way;
 * any failure leaves no folder behind.
 */
export class PackageInstaller {
  readonly layout: InstallLayout;
  readonly #options: PackageInstallerOptions;
  readonly #trustedKeys: KeyObject[];
  readonly #releases = new KeyedMutex();

  /** @throws HostError `TOOLHOST_ERR_SETTINGS_INVALID` for a trusted key that is not one. */
  constructor(options: PackageInstallerOptions) {
    this.#options = options;
    this.layout = installLayout(options.pluginsDir, options.dataDir);
    this.#trustedKeys = options.registry.trustedPublisherKeys.map((key) => {
      try {
        return parsePublicKey(key);
      } catch (error) {
        throw new HostError('TOOLHOST_ERR_SETTINGS_INVALID', {
          variable: 'TOOLHOST_TRUSTED_PUBLISHER_KEYS',
          details: `${JSON.stringify(key)}: ${(error as Error).message}`,
        });
      }
    });
  }

  get registryUrl(): string | null {
    return this.#options.registry.url;
  }

  /** The registry, or why there is none, for `action`. */
  access(action: string): RegistryAccess {
    return registryAccess(this.#options.registry, this.layout.cacheDir, action);
  }

  /** The folder of an installed version. */
  dirOf(pkg: string, version: string): string {
    return installedDirOf(this.#options.pluginsDir, pkg, version);
  }

  /** The record of an installed version, or null. */
  record(pkg: string, version: string): Promise<InstallRecord | null> {
    return readInstallRecord(recordFileOf(this.layout, pkg, version));
  }

  /** Every installed version of `pkg` (by folder or by record), sorted. */
  async versions(pkg: string): Promise<string[]> {
    const prefix = `${releaseKey(pkg, '')}`;
    const names = [
      ...(await readdir(this.layout.installedDir).catch(() => [] as string[])),
      ...(await readdir(this.layout.recordsDir).catch(() => [] as string[])).map((file) =>
        file.replace(/\.json$/, ''),
      ),
    ];
    const versions = new Set(
      names
        .filter((name) => name.startsWith(prefix))
        .map((name) => name.slice(prefix.length))
        .filter((version) => semver.valid(version) !== null),
    );
    return [...versions].sort(semver.compare);
  }

  /** The release a spec resolves to now, checked as an install would check it (nothing downloaded). */
  resolve(spec: string | PackageSpec): Promise<Release> {
    const parsed = typeof spec === 'string' ? parsePackageSpec(spec) : spec;
    const access = this.access(`install ${parsed.name}@${parsed.range}`);
    return resolveRelease(parsed, access, this.#sdkVersion, null);
  }

  /**
   * Installs a release (see the class), or returns the record of that exact release when it
   * is installed already and verifies.
   * @throws HostError with the code of the first refusal.
   */
  async install(spec: string | PackageSpec, options: InstallOptions = {}): Promise<InstallRecord> {
    const parsed = typeof spec === 'string' ? parsePackageSpec(spec) : spec;
    const onProgress = options.onProgress ?? (() => {});
    const wanted = `${parsed.name}@${parsed.range}`;
    const access = this.access(`install ${wanted}`);
    onProgress({ phase: 'resolving', spec: wanted });
    const release = await resolveRelease(
      parsed,
      access,
      this.#sdkVersion,
      options.pinned?.integrity ?? null,
    );
    const signedBy = this.#checkSignature(release);
    await options.accept?.(release);
    return this.#releases.run(releaseKey(release.name, release.version), async () => {
      const present = await this.#installedAlready(release);
      if (present) return present;
      const limits = this.#options.limits ?? TARBALL_LIMITS;
      const tgz = await fetchTarball(release, access, limits.maxTarballBytes, onProgress);
      onProgress({ phase: 'verifying', bytes: tgz.length });
      return this.#unpackAndRecord(
        release,
        parsed.range,
        tgz,
        access,
        signedBy,
        options,
        onProgress,
      );
    });
  }

  /**
   * The check before every load of an installed plugin, whatever runtime then loads it: the
   * install record must exist and match the manifest's pins (integrity, filesDigest), every
   * file must be as recorded (the first changed, added or removed file is named), and under
   * TOOLHOST_REQUIRE_SIGNED_PLUGINS a trusted key must have signed it. A pinned release whose
   * folder is missing (a new machine, an emptied plugins dir) is reinstalled first, verified.
   * @throws HostError `TOOLHOST_ERR_PLUGIN_NOT_INSTALLED`, `TOOLHOST_ERR_PLUGIN_FILES_CHANGED`,
   *   `TOOLHOST_ERR_INTEGRITY_MISMATCH` or `TOOLHOST_ERR_SIGNATURE_INVALID`.
   */
  async verify(
    plugin: string,
    source: PackageSource,
    options: VerifyOptions = {},
  ): Promise<InstallRecord> {
    const label = `${source.package}@${source.version}`;
    const dir = this.dirOf(source.package, source.version);
    const notInstalled = (details: string, cause?: unknown) =>
      new HostError(
        'TOOLHOST_ERR_PLUGIN_NOT_INSTALLED',
        { plugin, package: label, details },
        cause === undefined ? undefined : { cause },
      );
    let record = await this.record(source.package, source.version);
    const folder = await exists(dir);
    if (folder && record === null) {
      throw notInstalled(
        `${relative(this.#options.pluginsDir, dir)} has no install record in ${this.layout.recordsDir}, so it was not installed by toolhost plugins install; remove it and install the package`,
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
        record = await this.install(
          { name: source.package, range: source.version },
          {
            pinned: {
              integrity,
              filesDigest: source.filesDigest,
              lockfile: record?.lockfile ?? null,
            },
          },
        );
      } catch (error) {
        throw notInstalled(
          `its folder is missing and reinstalling it failed: ${(error as Error).message}`,
          error,
        );
      }
    }
    if (record === null) throw notInstalled('its install record is missing');
    this.#checkRecord(plugin, label, source, record);
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

  /** Deletes an installed version: its folder, then its record. */
  async removeRelease(pkg: string, version: string): Promise<void> {
    await this.#releases.run(releaseKey(pkg, version), async () => {
      await rm(this.dirOf(pkg, version), { recursive: true, force: true });
      await rm(recordFileOf(this.layout, pkg, version), { force: true });
    });
  }

  get #sdkVersion(): string {
    return this.#options.sdkVersion ?? SDK_VERSION;
  }

  /** The key id that signed the release, null if none did; refuses under required signatures. */
  #checkSignature(release: Release): string | null {
    const { requireSignedPlugins } = this.#options.registry;
    if (!requireSignedPlugins && this.#trustedKeys.length === 0) return null;
    const verdict = verifyRelease(
      release.distTags,
      this.#trustedKeys,
      release.name,
      release.version,
      release.integrity,
    );
    if (verdict.ok) return verdict.keyId;
    if (requireSignedPlugins) {
      throw new HostError('TOOLHOST_ERR_SIGNATURE_INVALID', {
        package: `${release.name}@${release.version}`,
        details: `TOOLHOST_REQUIRE_SIGNED_PLUGINS is true and ${verdict.reason}`,
      });
    }
    return null;
  }

  #checkRecord(plugin: string, label: string, source: PackageSource, record: InstallRecord): void {
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
    if (this.#options.registry.requireSignedPlugins) {
      const trusted = new Set(this.#trustedKeys.map(keyIdOf));
      if (record.signedBy === null || !trusted.has(record.signedBy)) {
        throw new HostError('TOOLHOST_ERR_SIGNATURE_INVALID', {
          package: label,
          details: `TOOLHOST_REQUIRE_SIGNED_PLUGINS is true and it was installed ${record.signedBy === null ? 'unsigned' : `signed by key ${record.signedBy}, which is not trusted now`}`,
        });
      }
    }
  }

  /** The record of exactly this release when its folder is installed and verifies. */
  async #installedAlready(release: Release): Promise<InstallRecord | null> {
    const record = await this.record(release.name, release.version);
    const dir = this.dirOf(release.name, release.version);
    if (record === null || record.integrity !== release.integrity || !(await exists(dir))) {
      return null;
    }
    if (digestOfDigests(record.files) !== record.filesDigest) return null;
    return (await compareFiles(dir, record.files)) === null ? record : null;
  }

  async #unpackAndRecord(
    release: Release,
    requested: string,
    tgz: Buffer,
    access: RegistryAccess,
    signedBy: string | null,
    options: InstallOptions,
    onProgress: ProgressListener,
  ): Promise<InstallRecord> {
    const label = `${release.name}@${release.version}`;
    const limits = this.#options.limits ?? TARBALL_LIMITS;
    const key = releaseKey(release.name, release.version);
    const staging = join(this.layout.stagingDir, `${key}-${randomBytes(6).toString('hex')}`);
    await mkdir(this.layout.stagingDir, { recursive: true });
    let recorded: string | null = null;
    try {
      const inspected = await inspectTarball(tgz, label, limits);
      onProgress({ phase: 'unpacking', files: inspected.size });
      await extractTarball(tgz, staging, inspected, label, limits);
      const unpacked = await this.#checkUnpacked(staging, release, label);
      const dependencies = Object.keys({
        ...((unpacked['dependencies'] as object | undefined) ?? {}),
        ...((unpacked['optionalDependencies'] as object | undefined) ?? {}),
      }).length;
      if (dependencies > 0) onProgress({ phase: 'installing dependencies', count: dependencies });
      const installed = await installDependencies(
        staging,
        `${staging}.deps`,
        access,
        label,
        options.pinned?.lockfile ?? null,
      );
      onProgress({ phase: 'recording' });
      const files = await digestFiles(staging).catch((error: unknown) => {
        throw new HostError('TOOLHOST_ERR_TARBALL_UNSAFE', {
          package: label,
          entry: '(installed files)',
          reason: (error as Error).message,
        });
      });
      const filesDigest = digestOfDigests(files);
      const pinnedDigest = options.pinned?.filesDigest;
      if (pinnedDigest !== undefined && pinnedDigest !== filesDigest) {
        throw new HostError('TOOLHOST_ERR_INTEGRITY_MISMATCH', {
          package: label,
          details: `its reinstalled files (dependencies included) hash to ${filesDigest}, not the manifest's filesDigest ${pinnedDigest}; install it again to pin what it resolves to now`,
        });
      }
      const record: InstallRecord = {
        package: release.name,
        version: release.version,
        integrity: release.integrity,
        pluginName: release.pluginName,
        sdkRange: release.sdkRange,
        requested,
        registry: access.url,
        signedBy,
        files,
        filesDigest,
        lockfile: installed?.lockfile ?? null,
        installedAt: new Date().toISOString(),
      };
      const dir = this.dirOf(release.name, release.version);
      // The record first: a crash before the rename leaves a record without a folder, which
      // the next load reinstalls, never a folder without a record, which it must refuse.
      recorded = recordFileOf(this.layout, release.name, release.version);
      await writeInstallRecord(recorded, record);
      // A folder here without a verified record is a leftover or was placed by hand: replace it.
      await rm(dir, { recursive: true, force: true });
      await rename(staging, dir);
      return record;
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      if (recorded !== null) await rm(recorded, { force: true });
      if (isHostError(error)) throw error;
      throw new HostError(
        'TOOLHOST_ERR_TARBALL_UNSAFE',
        { package: label, entry: '(archive)', reason: (error as Error).message },
        { cause: error },
      );
    }
  }

  /**
   * The registry's document is the publisher's claim (a hand-made publish can say one thing
   * and ship another); the unpacked package.json is what would load, so check it again.
   */
  async #checkUnpacked(
    staging: string,
    release: Release,
    label: string,
  ): Promise<Record<string, unknown>> {
    let pkg: Record<string, unknown>;
    try {
      pkg = JSON.parse(await readFile(join(staging, 'package.json'), 'utf8')) as Record<
        string,
        unknown
      >;
    } catch (error) {
      throw new HostError('TOOLHOST_ERR_PACKAGE_INVALID', {
        package: label,
        details: `its package.json is not JSON (${(error as Error).message})`,
      });
    }
    if (pkg['name'] !== release.name || pkg['version'] !== release.version) {
      throw new HostError('TOOLHOST_ERR_PACKAGE_INVALID', {
        package: label,
        details: `the registry describes ${label}, but its package.json is ${String(pkg['name'])}@${String(pkg['version'])}`,
      });
    }
    const fields = readToolhostFields(pkg, label);
    if (!semver.satisfies(this.#sdkVersion, fields.sdkRange)) {
      throw new HostError('TOOLHOST_ERR_SDK_INCOMPATIBLE', {
        plugin: label,
        range: `${fields.sdkRange} (its package.json; the registry said ${release.sdkRange})`,
        version: this.#sdkVersion,
      });
    }
    if (fields.pluginName !== release.pluginName) {
      throw new HostError('TOOLHOST_ERR_PACKAGE_INVALID', {
        package: label,
        details: `the registry names its plugin '${release.pluginName}', its package.json '${fields.pluginName}'`,
      });
    }
    return pkg;
  }
}
