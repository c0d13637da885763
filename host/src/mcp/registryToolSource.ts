import type { ServedTool, ToolRegistry } from '../plugins/ToolRegistry.js';
import type { McpListedTool, McpToolSource } from './McpToolSource.js';

function listed(tool: ServedTool): McpListedTool {
  return {
    name: tool.name,
    description: tool.spec.description,
    inputSchema: tool.spec.inputSchema,
    outputSchema: tool.spec.outputSchema ?? null,
    annotations: tool.spec.annotations ?? {},
  };
}

/** The registry's served tools as the MCP server lists them, with its change feed. */
export function registryToolSource(registry: ToolRegistry): McpToolSource {
  return {
    list: () => registry.list().map(listed),
    get(name) {
      const tool = registry.get(name);
      return tool === undefined ? undefined : listed(tool);
    },
    onChange: (listener) => registry.onChange(() => listener()),
  };
}
