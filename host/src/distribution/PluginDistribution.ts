import { KeyedMutex } from '@toolhost/plugin-sdk';
import { HostError } from '../errors.js';
import { sourceLabel, type Manifest, type PackageSource } from '../manifests/Manifest.js';
import type { ManifestStore } from '../manifests/ManifestStore.js';
import { parseManifest } from '../manifests/validateManifest.js';
import { installedManifest, pinnedSourceOf, type ManifestChoices } from './installedManifest.js';
import type { ProgressListener } from './InstallProgress.js';
import type { InstallRecord } from './InstallRecord.js';
import type { PackageInstaller } from './PackageInstaller.js';
import { parsePackageSpec } from './parsePackageSpec.js';

/** A plugin whose package was installed and whose manifest was written. */
export interface InstalledPlugin {
  name: string;
  manifestFile: string;
  manifest: Manifest;
  record: InstallRecord;
}

/** An update, applied to the files; a running host still has to switch to it. */
export interface PluginUpdate {
  name: string;
  manifestFile: string;
  from: { version: string; record: InstallRecord | null };
  to: InstallRecord;
  /** False when the newest version in the range is the one installed (nothing was written). */
  changed: boolean;
  /** Puts the previous manifest back and deletes the new version (the update was refused). */
  restore(): Promise<void>;
  /** Deletes the package's other versions (not `from`, not `to`) that no manifest pins; resolves to them. */
  prune(): Promise<string[]>;
}

/** A removed manifest; its versions are deleted once nothing runs them any more. */
export interface PluginRemoval {
  name: string;
  package: string;
  versions: string[];
  deleteFiles(): Promise<void>;
}

/** One line of `toolhost plugins list`. */
export interface PluginListing {
  name: string;
  /** null for a manifest that is refused. */
  enabled: boolean | null;
  /** A folder name or path, `<package>@<version>`, or the refusal of an invalid manifest. */
  source: string;
  registry: boolean;
  integrity: string | null;
  /** `verified`, `missing (reinstalled at its next load)`, or why it would be refused. */
  check: string | null;
}

export interface InstallPluginOptions {
  enable?: boolean;
  choices?: ManifestChoices;
  onProgress?: ProgressListener;
}

function isPackageSource(source: Manifest['source']): source is PackageSource {
  return 'package' in source;
}

/**
 * The distribution operations on the files: install, update and remove registry plugins
 * (installed folders, records and manifests) and list them. The CLI uses them as they are; a
 * running host follows the manifests it writes, and its admin API wraps them to report
 * whether the running plugin took the change.
 */
export class PluginDistribution {
  readonly installer: PackageInstaller;
  readonly #store: ManifestStore;
  readonly #plugins = new KeyedMutex();

  constructor(installer: PackageInstaller, store: ManifestStore) {
    this.installer = installer;
    this.#store = store;
  }

  /**
   * Installs `spec` and writes its manifest, disabled unless `enable` (a running host then
   * loads it). Refuses, before downloading, a plugin name a manifest already uses.
   * @throws HostError: `TOOLHOST_ERR_PLUGIN_EXISTS`, `TOOLHOST_ERR_MANIFEST_INVALID` (bad
   *   choices), or any refusal of the install.
   */
  async install(spec: string, options: InstallPluginOptions = {}): Promise<InstalledPlugin> {
    const choices = options.choices ?? {};
    // Checked before anything is downloaded.
    parseManifest(
      { name: 'x', enabled: false, source: { path: 'x' }, ...choices },
      'the manifest choices',
    );
    const parsed = parsePackageSpec(spec);
    let claimed: string | null = null;
    const record = await this.installer.install(parsed, {
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      accept: async (release) => {
        claimed = release.pluginName;
        await this.#refuseTaken(release.pluginName, `${release.name}@${release.version}`);
      },
    });
    return this.#plugins.run(claimed ?? record.pluginName, async () => {
      await this.#refuseTaken(record.pluginName, `${record.package}@${record.version}`);
      const manifest = installedManifest(record, options.enable ?? false, choices);
      const manifestFile = this.#store.locationOf(manifest.name);
      await this.#store.write(manifest);
      return { name: manifest.name, manifestFile, manifest, record };
    });
  }

  /**
   * Installs the newest version in `range` (by default the range asked for at install) beside
   * the installed one and repoints the manifest at it, keeping every other field.
   * @throws HostError `TOOLHOST_ERR_PLUGIN_UNKNOWN`, `TOOLHOST_ERR_PLUGIN_NOT_INSTALLED` (not a
   *   registry plugin), or any refusal of the install.
   */
  async update(
    name: string,
    options: { range?: string; onProgress?: ProgressListener } = {},
  ): Promise<PluginUpdate> {
    return this.#plugins.run(name, async () => {
      const { manifest, manifestFile, source } = await this.#registryManifest(name, 'updated');
      const current = await this.installer.record(source.package, source.version);
      const range = options.range ?? current?.requested ?? 'latest';
      const release = await this.installer.resolve(parsePackageSpec(`${source.package}@${range}`));
      const from = { version: source.version, record: current };
      if (release.version === source.version) {
        const to = current ?? (await this.installer.verify(name, source));
        return {
          name,
          manifestFile,
          from,
          to,
          changed: false,
          restore: async () => {},
          prune: async () => [],
        };
      }
      const to = await this.installer.install(
        { name: source.package, range: release.version },
        options.onProgress ? { onProgress: options.onProgress } : {},
      );
      await this.#store.write({ ...manifest, source: pinnedSourceOf(to) });
      return {
        name,
        manifestFile,
        from,
        to,
        changed: true,
        restore: async () => {
          await this.#store.write(manifest);
          if (!(await this.#pinned(source.package)).has(to.version)) {
            await this.installer.removeRelease(source.package, to.version);
          }
        },
        prune: () => this.#prune(source.package, new Set([from.version, to.version])),
      };
    });
  }

  /**
   * Deletes the manifest of a registry plugin; `deleteFiles()` then deletes every installed
   * version of its package that no other manifest pins.
   * @throws HostError `TOOLHOST_ERR_PLUGIN_UNKNOWN` or `TOOLHOST_ERR_PLUGIN_NOT_INSTALLED`.
   */
  async remove(name: string): Promise<PluginRemoval> {
    return this.#plugins.run(name, async () => {
      const { source } = await this.#registryManifest(name, 'removed');
      await this.#store.remove(name);
      const versions = await this.installer.versions(source.package);
      return {
        name,
        package: source.package,
        versions,
        deleteFiles: async () => {
          await this.#prune(source.package, new Set());
        },
      };
    });
  }

  /** Every manifest with its source, and for registry plugins their integrity and check. */
  async list(): Promise<PluginListing[]> {
    const entries = await this.#store.list();
    return Promise.all(
      entries.map(async (entry): Promise<PluginListing> => {
        if (entry.manifest === null) {
          return {
            name: entry.name,
            enabled: null,
            source: entry.error,
            registry: false,
            integrity: null,
            check: null,
          };
        }
        const { source, enabled } = entry.manifest;
        if (!isPackageSource(source)) {
          return {
            name: entry.name,
            enabled,
            source: sourceLabel(source),
            registry: false,
            integrity: null,
            check: null,
          };
        }
        let check = 'verified';
        try {
          await this.installer.verify(entry.name, source, { reinstall: false });
        } catch (error) {
          const missing = (error as Error).message.includes('is missing');
          check = missing ? 'missing (reinstalled at its next load)' : (error as Error).message;
        }
        return {
          name: entry.name,
          enabled,
          source: `${source.package}@${source.version}`,
          registry: true,
          integrity: source.integrity ?? null,
          check,
        };
      }),
    );
  }

  async #refuseTaken(name: string, label: string): Promise<void> {
    const file = this.#store.locationOf(name);
    const existing = await this.#store.read(name);
    if (existing === null) return;
    const source = existing.manifest?.source;
    const details =
      source && isPackageSource(source) && label.startsWith(`${source.package}@`)
        ? `it has ${source.package}@${source.version} installed; use toolhost plugins update ${name}`
        : `installing ${label} would replace it; remove that manifest first`;
    throw new HostError('TOOLHOST_ERR_PLUGIN_EXISTS', { plugin: name, file, details });
  }

  async #registryManifest(
    name: string,
    action: string,
  ): Promise<{ manifest: Manifest; manifestFile: string; source: PackageSource }> {
    const manifestFile = this.#store.locationOf(name);
    const entry = await this.#store.read(name);
    if (entry === null) throw new HostError('TOOLHOST_ERR_PLUGIN_UNKNOWN', { plugin: name });
    if (entry.manifest === null) throw entry.refusal;
    const { source } = entry.manifest;
    if (!isPackageSource(source)) {
      throw new HostError('TOOLHOST_ERR_PLUGIN_NOT_INSTALLED', {
        plugin: name,
        package: 'path' in source ? `folder ${source.path}` : sourceLabel(source),
        details: `only registry installs are ${action} by toolhost; edit or delete ${manifestFile} yourself`,
      });
    }
    return { manifest: entry.manifest, manifestFile, source };
  }

  /** The versions of `pkg` that some manifest pins. */
  async #pinned(pkg: string): Promise<Set<string>> {
    const versions = new Set<string>();
    for (const entry of await this.#store.list()) {
      const source = entry.manifest?.source;
      if (source && isPackageSource(source) && source.package === pkg) versions.add(source.version);
    }
    return versions;
  }

  async #prune(pkg: string, keep: ReadonlySet<string>): Promise<string[]> {
    const pinned = await this.#pinned(pkg);
    const removed: string[] = [];
    for (const version of await this.installer.versions(pkg)) {
      if (keep.has(version) || pinned.has(version)) continue;
      await this.installer.removeRelease(pkg, version);
      removed.push(version);
    }
    return removed;
  }
}
