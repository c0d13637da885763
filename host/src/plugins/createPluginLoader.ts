import type { DependencyContainer } from 'tsyringe';
import { compileToolSchemas } from '@toolhost/plugin-sdk/host';
import { createPluginContainer } from '../container/createPluginContainer.js';
import { PluginContextFactory } from '../container/PluginContextFactory.js';
import { HostError } from '../errors.js';
import type { Manifest, PackageSource } from '../manifests/Manifest.js';
import { importPlugin } from './importPlugin.js';
import { InlineRuntime } from './InlineRuntime.js';
import { readPluginPackage } from './readPluginPackage.js';
import type { StartedPlugin } from './ToolRegistry.js';

/** Loads and starts the plugin a manifest names. */
export type PluginLoader = (manifest: Manifest) => Promise<StartedPlugin>;

export interface PluginLoaderDeps {
  pluginsDir: string;
  /** The root container; each load resolves its plugin's capabilities from a child of it. */
  container: DependencyContainer;
  /**
   * The tamper check of installed registry packages (PackageInstaller.verify), run before
   * any of their code is imported; without it, registry sources are refused.
   */
  installed?: InstalledPluginCheck;
}

/** Checks (and, if missing, reinstalls) an installed registry package before it loads. */
export interface InstalledPluginCheck {
  verify(plugin: string, source: PackageSource): Promise<unknown>;
}

/**
 * The loader of manifest-driven plugins: verify an installed registry package (its files as
 * recorded at install), read the package, check its SDK range, import it,
 * check its schemas, build its context from a child container, create and initialize it.
 * @throws HostError / ToolhostError with a stable code for each step that fails.
 */
export function createPluginLoader({
  pluginsDir,
  container,
  installed,
}: PluginLoaderDeps): PluginLoader {
  return async (manifest) => {
    // Before anything of the plugin is read: code meant for a sandbox never loads inline.
    const isolation = manifest.isolation ?? 'inline';
    if (isolation !== 'inline') {
      throw new HostError('TOOLHOST_ERR_PLUGIN_LOAD_FAILED', {
        plugin: manifest.name,
        details: `isolation '${isolation}' is not available in this host yet; use 'inline'`,
      });
    }
    if ('package' in manifest.source) {
      if (!installed) {
        throw new HostError('TOOLHOST_ERR_PLUGIN_LOAD_FAILED', {
          plugin: manifest.name,
          details: 'registry packages cannot be verified by this loader',
        });
      }
      await installed.verify(manifest.name, manifest.source);
    }
    const pkg = await readPluginPackage(manifest, pluginsDir);
    const plugin = await importPlugin(manifest.name, pkg);
    compileToolSchemas(plugin);
    const context = createPluginContainer(container, manifest)
      .resolve(PluginContextFactory)
      .create(plugin);
    const runtime = new InlineRuntime(plugin, context);
    try {
      await runtime.start();
    } catch (error) {
      throw new HostError(
        'TOOLHOST_ERR_PLUGIN_LOAD_FAILED',
        { plugin: manifest.name, details: `create/initialize threw: ${(error as Error).message}` },
        { cause: error },
      );
    }
    return {
      plugin,
      runtime,
      isolation,
      policy: manifest.policy ?? {},
      version: pkg.version,
    };
  };
}
