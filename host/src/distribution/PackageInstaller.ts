import { randomBytes, type KeyObject } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { KeyedMutex } from '@toolhost/plugin-sdk';
import { SDK_VERSION } from '@toolhost/plugin-sdk/host';
import type { PackageRegistrySettings } from '../config/Settings.js';
import { HostError, isHostError } from '../errors.js';
import type { PackageSource } from '../manifests/Manifest.js';
import { checkUnpackedPackage } from './checkUnpackedPackage.js';
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
import { registryAccess, type RegistryAccess } from './registryAccess.js';
import { keyIdOf, parsePublicKey, verifyRelease } from './releaseSignatures.js';
import { resolveRelease, type Release } from './resolveRelease.js';
import { TARBALL_LIMITS, type TarballLimits } from './tarballLimits.js';
import {
  verifyInstalledPlugin,
  type InstalledReleases,
  type SignatureTrust,
  type VerifyOptions,
} from './verifyInstalledPlugin.js';

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

/**
 * Installs plugin packages from the registry into versioned folders, and checks an
 * installed one before every load (verifyInstalledPlugin). The install pipeline: resolve
 * (full metadata; integrity, SDK range) → publisher signature → download (sha512 checked by
 * pacote, size limited) → inspect every tar header → extract only those entries → re-check
 * the unpacked package.json → production dependencies with scripts disabled → digest of
 * every file → write the record → move the folder into place. Nothing of the package runs on
 * the way; a failure leaves neither folder nor record behind.
 */
export class PackageInstaller implements InstalledReleases {
  readonly layout: InstallLayout;
  readonly pluginsDir: string;
  readonly #options: PackageInstallerOptions;
  readonly #trustedKeys: KeyObject[];
  readonly #trust: SignatureTrust;
  readonly #releases = new KeyedMutex();

  /** @throws HostError `TOOLHOST_ERR_SETTINGS_INVALID` for a trusted key that is not one. */
  constructor(options: PackageInstallerOptions) {
    this.#options = options;
    this.pluginsDir = options.pluginsDir;
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
    this.#trust = {
      required: options.registry.requireSignedPlugins,
      trustedKeyIds: new Set(this.#trustedKeys.map(keyIdOf)),
    };
  }

  get recordsDir(): string {
    return this.layout.recordsDir;
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
    const prefix = releaseKey(pkg, '');
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
    const signedBy = this.#signatureOf(release);
    await options.accept?.(release);
    return this.#releases.run(releaseKey(release.name, release.version), async () => {
      const present = await this.#installedAlready(release);
      if (present) return present;
      const limits = this.#options.limits ?? TARBALL_LIMITS;
      const tgz = await fetchTarball(release, access, limits.maxTarballBytes, onProgress);
      onProgress({ phase: 'verifying', bytes: tgz.length });
      return this.#unpackAndRecord({
        release,
        requested: parsed.range,
        tgz,
        access,
        signedBy,
        pinned: options.pinned,
        onProgress,
      });
    });
  }

  /** Installs exactly a pinned release again, its integrity and its recorded lockfile. */
  reinstall(
    source: PackageSource,
    pinned: { integrity: string; lockfile: string | null },
  ): Promise<InstallRecord> {
    return this.install(
      { name: source.package, range: source.version },
      { pinned: { ...pinned, filesDigest: source.filesDigest } },
    );
  }

  /** The check before every load; see verifyInstalledPlugin. */
  verify(
    plugin: string,
    source: PackageSource,
    options: VerifyOptions = {},
  ): Promise<InstallRecord> {
    return verifyInstalledPlugin(this, this.#trust, plugin, source, options);
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
  #signatureOf(release: Release): string | null {
    if (!this.#trust.required && this.#trustedKeys.length === 0) return null;
    const verdict = verifyRelease(
      release.distTags,
      this.#trustedKeys,
      release.name,
      release.version,
      release.integrity,
    );
    if (verdict.ok) return verdict.keyId;
    if (this.#trust.required) {
      throw new HostError('TOOLHOST_ERR_SIGNATURE_INVALID', {
        package: `${release.name}@${release.version}`,
        details: `TOOLHOST_REQUIRE_SIGNED_PLUGINS is true and ${verdict.reason}`,
      });
    }
    return null;
  }

  /** The record of exactly this release when its folder is installed and verifies. */
  async #installedAlready(release: Release): Promise<InstallRecord | null> {
    const record = await this.record(release.name, release.version);
    const dir = this.dirOf(release.name, release.version);
    const folder = await stat(dir).then(
      () => true,
      () => false,
    );
    if (record === null || record.integrity !== release.integrity || !folder) return null;
    if (digestOfDigests(record.files) !== record.filesDigest) return null;
    return (await compareFiles(dir, record.files)) === null ? record : null;
  }

  async #unpackAndRecord(step: {
    release: Release;
    requested: string;
    tgz: Buffer;
    access: RegistryAccess;
    signedBy: string | null;
    pinned: InstallOptions['pinned'];
    onProgress: ProgressListener;
  }): Promise<InstallRecord> {
    const { release, tgz, access, pinned, onProgress } = step;
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
      const unpacked = await checkUnpackedPackage(staging, release, this.#sdkVersion);
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
        pinned?.lockfile ?? null,
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
      if (pinned?.filesDigest !== undefined && pinned.filesDigest !== filesDigest) {
        throw new HostError('TOOLHOST_ERR_INTEGRITY_MISMATCH', {
          package: label,
          details: `its reinstalled files (dependencies included) hash to ${filesDigest}, not the manifest's filesDigest ${pinned.filesDigest}; install it again to pin what it resolves to now`,
        });
      }
      const record: InstallRecord = {
        package: release.name,
        version: release.version,
        integrity: release.integrity,
        pluginName: release.pluginName,
        sdkRange: release.sdkRange,
        requested: step.requested,
        registry: access.url,
        signedBy: step.signedBy,
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
}
