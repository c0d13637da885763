import { compileToolSchemas } from '@toolhost/plugin-sdk/host';
import { PluginContextFactory } from '../container/PluginContextFactory.js';
import { TOKENS } from '../container/tokens.js';
import { HostError } from '../errors.js';
import type { Manifest } from '../manifests/Manifest.js';
import { importPlugin } from './importPlugin.js';
import { InlineRuntime } from './InlineRuntime.js';
import { readPluginPackage } from './readPluginPackage.js';
import type { PluginFactory } from './ToolRegistry.js';

/**
 * The factory for a manifest-driven plugin: read its package, check its SDK range,
 * import it, build its context in a child container, create and initialize it.
 */
export function createManifestPluginFactory(manifest: Manifest, pluginsDir: string): PluginFactory {
  return async (root) => {
    const pkg = await readPluginPackage(manifest, pluginsDir);
    const plugin = await importPlugin(manifest.name, pkg);
    compileToolSchemas(plugin);
    const isolation = manifest.isolation ?? 'inline';
    if (isolation !== 'inline') {
      throw new HostError('TOOLHOST_ERR_PLUGIN_LOAD_FAILED', {
        plugin: manifest.name,
        details: `isolation '${isolation}' is not available in this host yet; use 'inline'`,
      });
    }
    const child = root.createChildContainer();
    child.register(TOKENS.Manifest, { useValue: manifest });
    const context = child.resolve(PluginContextFactory).create(plugin);
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
