import type { PluginAdmin } from './PluginStatus.js';
import type { ToolRegistry } from './ToolRegistry.js';

/** Plugin operations straight on the registry, for legacy mode, where no manifest is written. */
export function createRegistryAdmin(registry: ToolRegistry): PluginAdmin {
  return {
    list: () => registry.statuses(),
    enable: (name) => registry.enable(name),
    disable: (name) => registry.disable(name),
    reload: (name) => registry.disable(name).then(() => registry.enable(name)),
  };
}
