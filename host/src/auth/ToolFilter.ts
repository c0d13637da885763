import type { ToolAnnotations } from '@toolhost/plugin-sdk/host';

/** What a filter needs to know of a tool. */
export interface FilteredTool {
  name: string;
  annotations?: ToolAnnotations | undefined;
}

/**
 * Which tools a key may list and call directly (HTTP now; the MCP server and the console
 * apply the same filter). `allowsName` decides on the name alone, before the tool is
 * looked up; `allows` also applies the `readOnly` restriction.
 */
export interface ToolFilter {
  /** True when nothing is restricted. */
  readonly unrestricted: boolean;
  allowsName(name: string): boolean;
  allows(tool: FilteredTool): boolean;
}

export const EVERY_TOOL: ToolFilter = Object.freeze({
  unrestricted: true,
  allowsName: () => true,
  allows: () => true,
});

/**
 * A filter from a key's `tools` list (`plugin.tool` names and `plugin.*` patterns; null
 * for every tool) and its `readOnly` flag (only tools annotated `readOnly: true`).
 */
export function createToolFilter(tools: readonly string[] | null, readOnly: boolean): ToolFilter {
  if (tools === null && !readOnly) return EVERY_TOOL;
  const names = new Set<string>();
  const plugins = new Set<string>();
  for (const entry of tools ?? []) {
    if (entry.endsWith('.*')) plugins.add(entry.slice(0, -2));
    else names.add(entry);
  }
  const allowsName = (name: string): boolean => {
    if (tools === null || names.has(name)) return true;
    const dot = name.indexOf('.');
    return dot > 0 && plugins.has(name.slice(0, dot));
  };
  return Object.freeze({
    unrestricted: false,
    allowsName,
    allows: (tool: FilteredTool) =>
      allowsName(tool.name) && (!readOnly || tool.annotations?.readOnly === true),
  });
}
