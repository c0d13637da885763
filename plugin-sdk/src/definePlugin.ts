import type { BaseTool } from './BaseTool.js';
import type { CallContext, PluginContext } from './PluginContext.js';
import type { JsonObject, ToolResult } from './ToolResult.js';
import { hasBrand, ToolhostError } from './errors.js';

/** A JSON Schema document (draft-07 / 2019-09 keywords understood by ajv). */
export type JsonSchema = { readonly [keyword: string]: unknown };

export interface ToolAnnotations {
  /** The tool never changes state outside itself. */
  readonly readOnly?: boolean;
  /** Calling it twice with the same input has the effect of calling it once; enables retries. */
  readonly idempotent?: boolean;
}

export interface ToolSpec {
  readonly description: string;
  readonly inputSchema: JsonSchema;
  /** Schema of ToolResult.data when the call succeeds. */
  readonly outputSchema?: JsonSchema;
  readonly annotations?: ToolAnnotations;
}

/**
 * A tool method. Written with method syntax so a tool may declare a narrower input
 * type (`{ customerId: string }`): the host validates input against inputSchema first.
 */
export type ToolMethod = {
  tool(input: JsonObject, call: CallContext): Promise<ToolResult>;
}['tool'];

/** The object `create` returns: a BaseTool with one method per declared tool. */
export type ToolInstance<TTools extends Record<string, ToolSpec>> = BaseTool & {
  [K in keyof TTools]: ToolMethod;
};

export interface PluginDefinition<
  TTools extends Record<string, ToolSpec>,
  TInstance extends ToolInstance<TTools>,
> {
  readonly name: string;
  readonly configSchema?: JsonSchema;
  readonly tools: TTools;
  readonly create: (ctx: PluginContext) => TInstance | Promise<TInstance>;
}

/** What a plugin module exports by default; the brand lets the host recognise it across SDK copies. */
export interface ToolhostPlugin {
  readonly name: string;
  readonly configSchema: JsonSchema;
  readonly tools: Readonly<Record<string, ToolSpec>>;
  readonly create: (
    ctx: PluginContext,
  ) => ToolInstance<Record<string, ToolSpec>> | Promise<ToolInstance<Record<string, ToolSpec>>>;
  readonly [PLUGIN_BRAND]: true;
}

/**
 * What the host needs of a plugin to serve it: its name and schemas, as plain data. For a
 * plugin in a worker or a process this is all that crosses back to the host.
 */
export type PluginDescription = Pick<ToolhostPlugin, 'name' | 'configSchema' | 'tools'>;

const PLUGIN_BRAND = Symbol.for('toolhost.plugin');
const NAME_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;
const TOOL_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * Declares a plugin. Type-checks that every tool in `tools` is a method of what
 * `create` returns.
 * @throws ToolhostError `TOOLHOST_ERR_PLUGIN_INVALID` for a bad name or an empty tool set.
 */
export function definePlugin<
  const TTools extends Record<string, ToolSpec>,
  TInstance extends ToolInstance<TTools>,
>(definition: PluginDefinition<TTools, TInstance>): ToolhostPlugin {
  const invalid = (details: string) =>
    new ToolhostError('TOOLHOST_ERR_PLUGIN_INVALID', { plugin: definition.name, details });
  if (!NAME_PATTERN.test(definition.name)) {
    throw invalid(`name must match ${NAME_PATTERN.source}`);
  }
  const toolNames = Object.keys(definition.tools);
  if (toolNames.length === 0) throw invalid('it declares no tools');
  for (const tool of toolNames) {
    if (!TOOL_PATTERN.test(tool)) throw invalid(`tool '${tool}' must match ${TOOL_PATTERN.source}`);
  }
  return Object.freeze({
    name: definition.name,
    configSchema: definition.configSchema ?? { type: 'object' },
    tools: definition.tools,
    create: definition.create,
    [PLUGIN_BRAND]: true as const,
  });
}

/** True for a value made by definePlugin of any copy of the SDK. */
export function isToolhostPlugin(value: unknown): value is ToolhostPlugin {
  return hasBrand(value, PLUGIN_BRAND);
}
