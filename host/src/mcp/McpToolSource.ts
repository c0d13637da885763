import type { JsonSchema, ToolAnnotations } from '@toolhost/plugin-sdk/host';

/** A tool as the MCP server lists it: what the registry knows of a served tool. */
export interface McpListedTool {
  /** `<plugin>.<tool>`: listed and called under this very name. */
  name: string;
  description: string;
  inputSchema: JsonSchema;
  /** Schema of a successful ToolResult's `data`; null when the tool declares none. */
  outputSchema: JsonSchema | null;
  annotations: ToolAnnotations;
}

/** The tools the MCP server offers, and a feed of their changes (ToolRegistry.onChange). */
export interface McpToolSource {
  list(): readonly McpListedTool[];
  get(name: string): McpListedTool | undefined;
  /** Calls `listener` whenever a plugin may have changed (enabled, disabled, upgraded, failed). */
  onChange(listener: () => void): () => void;
}
