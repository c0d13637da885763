import type { PluginAdmin, PluginStatus } from './PluginStatus.js';
import { refusalOf } from './refusalOf.js';
import type { ToolRegistry } from './ToolRegistry.js';

/** Plugin operations straight on the registry, for legacy mode, where no manifest is written. */
export function createRegistryAdmin(registry: ToolRegistry): PluginAdmin {
  const started = async (name: string): Promise<PluginStatus> => {
    const status = await registry.enable(name);
    const refusal = refusalOf(registry, name);
    if (refusal) throw refusal;
    return status;
  };
  return {
    list: () => registry.statuses(),
    enable: started,
    disable: (name) => registry.disable(name),
    reload: async (name) => {
      await registry.disable(name);
      return started(name);
    },
  };
}
