import { Ajv, type Options, type ValidateFunction } from 'ajv';
import type { JsonSchema, PluginDescription } from '../definePlugin.js';
import { ToolhostError } from '../errors.js';

/**
 * How a plugin's schemas are compiled, by the host and the harness alike: unknown keywords
 * and formats are refused (ajv's strict schema rule), while the type checks ajv would only
 * log stay off, so a schema means the same in both.
 */
export const PLUGIN_SCHEMA_OPTIONS = {
  allErrors: true,
  strict: false,
  strictSchema: true,
} as const satisfies Options;

export interface CompiledToolSchemas {
  input: ValidateFunction;
  /** Null when the tool declares no outputSchema. */
  output: ValidateFunction | null;
}

/**
 * Compiles a schema of a plugin.
 * @throws ToolhostError `TOOLHOST_ERR_PLUGIN_INVALID` saying `what` (e.g. "tool 'x' has an
 * invalid inputSchema") and why, when it does not compile.
 */
export function compilePluginSchema(
  ajv: Ajv,
  plugin: Pick<PluginDescription, 'name'>,
  schema: JsonSchema,
  what: string,
): ValidateFunction {
  try {
    return ajv.compile(schema);
  } catch (error) {
    throw new ToolhostError(
      'TOOLHOST_ERR_PLUGIN_INVALID',
      { plugin: plugin.name, details: `${what}: ${(error as Error).message}` },
      { cause: error },
    );
  }
}

/**
 * Compiles every tool's inputSchema and outputSchema.
 * @throws ToolhostError `TOOLHOST_ERR_PLUGIN_INVALID` naming the tool and the schema that does
 * not compile or uses a keyword JSON Schema does not know.
 */
export function compileToolSchemas(
  plugin: Pick<PluginDescription, 'name' | 'tools'>,
  ajv: Ajv = new Ajv(PLUGIN_SCHEMA_OPTIONS),
): Map<string, CompiledToolSchemas> {
  const compiled = new Map<string, CompiledToolSchemas>();
  for (const [tool, spec] of Object.entries(plugin.tools)) {
    compiled.set(tool, {
      input: compilePluginSchema(
        ajv,
        plugin,
        spec.inputSchema,
        `tool '${tool}' has an invalid inputSchema`,
      ),
      output:
        spec.outputSchema === undefined
          ? null
          : compilePluginSchema(
              ajv,
              plugin,
              spec.outputSchema,
              `tool '${tool}' has an invalid outputSchema`,
            ),
    });
  }
  return compiled;
}
