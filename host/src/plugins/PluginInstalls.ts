import type { InstallProgress } from '../distribution/InstallProgress.js';
import type { ManifestChoices } from '../distribution/installedManifest.js';
import type { InstallRecord } from '../distribution/InstallRecord.js';
import type { PluginDistribution } from '../distribution/PluginDistribution.js';
import { HostError } from '../errors.js';
import type { PluginManager } from './PluginManager.js';
import type { PluginStatus } from './PluginStatus.js';
import { refusalOf } from './refusalOf.js';
import type { ToolRegistry } from './ToolRegistry.js';

/** The installed release, as the admin API and the CLI report it. */
export interface InstalledPackage {
  name: string;
  version: string;
  integrity: string;
  filesDigest: string;
  signedBy: string | null;
}

export interface InstallRequest {
  spec: string;
  enable?: boolean;
  /** isolation, config, secrets, permissions, policy: the operator's part of the manifest. */
  manifest?: ManifestChoices;
}

export interface InstallAnswer {
  plugin: PluginStatus;
  package: InstalledPackage;
}

export interface UpdateAnswer {
  plugin: PluginStatus;
  from: string;
  to: InstalledPackage;
  changed: boolean;
  /** Versions deleted because nothing pins them any more. */
  pruned: string[];
}

/** An install or update under way, as the console's event stream reports it. */
export interface InstallProgressEvent {
  operation: 'install' | 'update';
  /** The spec being installed, or the plugin being updated. */
  target: string;
  progress: InstallProgress;
}

/** Installing, updating and removing registry plugins in a running host (the admin API). */
export interface PluginInstallAdmin {
  /**
   * Installs, writes the manifest, registers it; with `enable`, starts it (a refused start
   * leaves it installed and disabled, and rejects with the reason).
   */
  install(request: InstallRequest): Promise<InstallAnswer>;
  /** Blue/green: the new version starts beside the old, takes its calls, the old drains. */
  update(name: string, range?: string): Promise<UpdateAnswer>;
  /** Stops serving it, drains its calls, then deletes its manifest, folders and records. */
  remove(name: string): Promise<{ name: string; removed: string[] }>;
}

export function packageOf(record: InstallRecord): InstalledPackage {
  return {
    name: record.package,
    version: record.version,
    integrity: record.integrity,
    filesDigest: record.filesDigest,
    signedBy: record.signedBy,
  };
}

/** The admin operations over the distribution's file operations and the manifests watcher. */
export function createPluginInstalls(
  distribution: PluginDistribution,
  manager: PluginManager,
  registry: ToolRegistry,
  onProgress?: (event: InstallProgressEvent) => void,
): PluginInstallAdmin {
  const progressOf = (operation: InstallProgressEvent['operation'], target: string) =>
    onProgress
      ? { onProgress: (progress: InstallProgress) => onProgress({ operation, target, progress }) }
      : {};
  return {
    async install({ spec, enable = false, manifest }) {
      const installed = await distribution.install(spec, {
        ...(manifest ? { choices: manifest } : {}),
        ...progressOf('install', spec),
      });
      await manager.sync();
      const plugin = enable
        ? await manager.enable(installed.name)
        : registry.status(installed.name);
      return { plugin, package: packageOf(installed.record) };
    },

    async update(name, range) {
      const update = await distribution.update(name, {
        ...(range === undefined ? {} : { range }),
        ...progressOf('update', name),
      });
      if (update.changed) {
        await manager.sync();
        const status = registry.status(name);
        const wanted = registry.started(name) !== null || status.state === 'failed';
        if (wanted && (status.state !== 'enabled' || status.version !== update.to.version)) {
          const refusal =
            refusalOf(registry, name) ??
            new HostError('TOOLHOST_ERR_PLUGIN_LOAD_FAILED', {
              plugin: name,
              details: status.error ?? `version ${update.to.version} did not start`,
            });
          await update.restore();
          await manager.sync();
          throw refusal;
        }
      }
      const pruned = update.changed ? await update.prune() : [];
      return {
        plugin: registry.status(name),
        from: update.from.version,
        to: packageOf(update.to),
        changed: update.changed,
        pruned,
      };
    },

    async remove(name) {
      const removal = await distribution.remove(name);
      // The manifest is gone: this unregisters the plugin and drains its calls first.
      await manager.sync();
      await removal.deleteFiles();
      return { name, removed: removal.versions };
    },
  };
}
