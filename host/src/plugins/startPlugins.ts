import type { Logger } from 'winston';
import type { Settings } from '../config/Settings.js';
import type { ManifestStore } from '../manifests/ManifestStore.js';
import { BUILTIN_PLUGINS } from './builtinPlugins.js';
import type { PluginLoader } from './createPluginLoader.js';
import { createRegistryAdmin } from './createRegistryAdmin.js';
import { PluginManager } from './PluginManager.js';
import type { PluginAdmin } from './PluginStatus.js';
import { registrationOf } from './registrationOf.js';
import type { ToolRegistry } from './ToolRegistry.js';

export interface StartPluginsOptions {
  settings: Pick<Settings, 'registryMode' | 'pluginFlags' | 'watchManifests'>;
  /** Where the manifests live (registry mode only). */
  store: ManifestStore;
  /** How often the store is read again even without a change event. */
  pollIntervalMs?: number;
  registry: ToolRegistry;
  load: PluginLoader;
  logger: Logger;
}

export interface RunningPlugins {
  /** What the admin API and its 422s act on. */
  readonly admin: PluginAdmin;
  /** The manifests watcher; null in legacy mode. */
  readonly manager: PluginManager | null;
  close(): Promise<void>;
}

/**
 * Starts the plugins `AGENT_TOOL_REGISTRY_MODE` asks for. `registry`: every manifest of the
 * manifests dir, applied again whenever one changes. `legacy` (the safe mode): manifests are
 * ignored and the built-in plugins are wired statically. ENABLE_* flags apply in both.
 */
export async function startPlugins(options: StartPluginsOptions): Promise<RunningPlugins> {
  const { settings, registry, load, logger } = options;
  if (settings.registryMode === 'legacy') {
    for (const manifest of BUILTIN_PLUGINS) {
      registry.register(
        manifest.name,
        (signal) => load(manifest, signal),
        registrationOf(manifest, null, settings.pluginFlags),
      );
    }
    await registry.createTools();
    logger.info('legacy registry mode: built-in plugins wired statically, manifests ignored');
    return { admin: createRegistryAdmin(registry), manager: null, close: async () => {} };
  }
  const { store } = options;
  const manager = new PluginManager({
    settings,
    store,
    registry,
    load,
    logger,
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
  });
  await manager.sync();
  if (settings.watchManifests) await manager.watch();
  return { admin: manager, manager, close: () => manager.close() };
}
