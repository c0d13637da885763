import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolSpec } from '@toolhost/plugin-sdk';
import {
  compileToolSchemas,
  type JsonSchema,
  type PluginDescription,
} from '@toolhost/plugin-sdk/host';

const TOOL_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
const MAX_TOOLS = 256;

/** An MCP server's tools as a plugin's: their toolhost names, and the name each has upstream. */
export interface McpToolMap {
  description: PluginDescription;
  /** Toolhost tool name (without the plugin) → the server's own name. */
  upstream: ReadonlyMap<string, string>;
  /** Tools left out, with why (a name that maps onto another's, a schema that does not compile). */
  skipped: string[];
}

/**
 * The toolhost name of an MCP tool: as it is when it fits `^[a-z][a-z0-9_]{0,62}$`,
 * otherwise lowercased with every other character as `_` (`get-Weather` → `get_weather`).
 */
export function toolhostNameOf(name: string): string | null {
  if (TOOL_PATTERN.test(name)) return name;
  const mapped = name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const named = /^[a-z]/.test(mapped) ? mapped : `t_${mapped}`;
  return TOOL_PATTERN.test(named) ? named : null;
}

function plainSchema(schema: Record<string, unknown>): JsonSchema {
  // `$schema` names a draft; the host compiles every schema with its own.
  const rest: Record<string, unknown> = { ...schema };
  delete rest['$schema'];
  return rest as JsonSchema;
}

function specOf(tool: Tool): ToolSpec {
  const hints = tool.annotations ?? {};
  return {
    description: tool.description ?? tool.title ?? tool.name,
    inputSchema: plainSchema(tool.inputSchema),
    ...(tool.outputSchema && { outputSchema: plainSchema(tool.outputSchema) }),
    annotations: {
      ...(typeof hints.readOnlyHint === 'boolean' && { readOnly: hints.readOnlyHint }),
      ...(typeof hints.idempotentHint === 'boolean' && { idempotent: hints.idempotentHint }),
    },
  };
}

/** What `tools/list` of the server at `pluginName` offers, as the host will serve it. */
export function describeMcpTools(pluginName: string, tools: readonly Tool[]): McpToolMap {
  const specs: Record<string, ToolSpec> = {};
  const upstream = new Map<string, string>();
  const skipped: string[] = [];
  for (const tool of tools) {
    const name = toolhostNameOf(tool.name);
    if (name === null || upstream.has(name)) {
      skipped.push(`${tool.name}: its name does not map to a free toolhost tool name`);
      continue;
    }
    if (upstream.size >= MAX_TOOLS) {
      skipped.push(`${tool.name}: more than ${MAX_TOOLS} tools`);
      continue;
    }
    const spec = specOf(tool);
    try {
      compileToolSchemas({ name: pluginName, tools: { [name]: spec } });
    } catch (error) {
      skipped.push(`${tool.name}: ${(error as Error).message}`);
      continue;
    }
    specs[name] = spec;
    upstream.set(name, tool.name);
  }
  return {
    description: { name: pluginName, configSchema: { type: 'object' }, tools: specs },
    upstream,
    skipped,
  };
}
