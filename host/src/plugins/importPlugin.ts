import { pathToFileURL } from 'node:url';
import type { ToolhostPlugin } from '@toolhost/plugin-sdk';
import { isToolhostPlugin, ToolhostError } from '@toolhost/plugin-sdk/host';
import { HostError } from '../errors.js';
import { installSdkResolution } from './installSdkResolution.js';
import type { PluginPackage } from './readPluginPackage.js';

let generation = 0;

/**
 * Imports a plugin's entry module. Each call imports a fresh copy (a query string per
 * load) so a reload picks up new code; the old module stays in memory, as ESM cannot
 * be unloaded from a process.
 * @throws HostError `TOOLHOST_ERR_PLUGIN_LOAD_FAILED`, ToolhostError `TOOLHOST_ERR_PLUGIN_INVALID`.
 */
export async function importPlugin(
  pluginName: string,
  pkg: PluginPackage,
): Promise<ToolhostPlugin> {
  installSdkResolution();
  generation += 1;
  const url = `${pathToFileURL(pkg.entry).href}?load=${generation}`;
  let module: { default?: unknown };
  try {
    module = (await import(url)) as { default?: unknown };
  } catch (error) {
    throw new HostError(
      'TOOLHOST_ERR_PLUGIN_LOAD_FAILED',
      { plugin: pluginName, details: `importing ${pkg.entry} failed: ${(error as Error).message}` },
      { cause: error },
    );
  }
  const plugin = module.default;
  if (!isToolhostPlugin(plugin)) {
    throw new ToolhostError('TOOLHOST_ERR_PLUGIN_INVALID', {
      plugin: pluginName,
      details: `the default export of ${pkg.entry} is not a definePlugin(...) result`,
    });
  }
  if (plugin.name !== pluginName) {
    throw new ToolhostError('TOOLHOST_ERR_PLUGIN_INVALID', {
      plugin: pluginName,
      details: `the module defines plugin '${plugin.name}', but its manifest is '${pluginName}'`,
    });
  }
  return plugin;
}
