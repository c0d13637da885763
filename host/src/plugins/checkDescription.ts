import { ToolhostError, type PluginDescription } from '@toolhost/plugin-sdk/host';
import type { ToolSpec } from '@toolhost/plugin-sdk';

const NAME_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;
const TOOL_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
const MAX_TOOLS = 256;

type Plain = Record<string, unknown>;

const isPlain = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What a plugin's runtime said the plugin is, checked as the untrusted data it is (a worker
 * or a process may answer anything): the rules of definePlugin, and only the fields the host
 * uses. The schemas themselves are compiled next, as for an inline plugin.
 * @throws ToolhostError `TOOLHOST_ERR_PLUGIN_INVALID` naming what is wrong.
 */
export function checkDescription(pluginName: string, raw: unknown): PluginDescription {
  const invalid = (details: string) =>
    new ToolhostError('TOOLHOST_ERR_PLUGIN_INVALID', { plugin: pluginName, details });
  if (!isPlain(raw)) throw invalid('its runtime described it as something that is no object');
  const { name, configSchema, tools } = raw;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw invalid(`name must match ${NAME_PATTERN.source}`);
  }
  if (name !== pluginName) {
    throw invalid(`the module defines plugin '${name}', but its manifest is '${pluginName}'`);
  }
  if (!isPlain(configSchema)) throw invalid('its configSchema is not an object');
  if (!isPlain(tools) || Object.keys(tools).length === 0) throw invalid('it declares no tools');
  if (Object.keys(tools).length > MAX_TOOLS)
    throw invalid(`it declares more than ${MAX_TOOLS} tools`);
  const specs: Record<string, ToolSpec> = {};
  for (const [tool, spec] of Object.entries(tools)) {
    if (!TOOL_PATTERN.test(tool)) throw invalid(`tool '${tool}' must match ${TOOL_PATTERN.source}`);
    if (
      !isPlain(spec) ||
      typeof spec['description'] !== 'string' ||
      !isPlain(spec['inputSchema'])
    ) {
      throw invalid(`tool '${tool}' needs a description and an inputSchema object`);
    }
    const { description, inputSchema, outputSchema, annotations } = spec;
    if (outputSchema !== undefined && !isPlain(outputSchema)) {
      throw invalid(`tool '${tool}' has an outputSchema that is no object`);
    }
    if (annotations !== undefined && !isPlain(annotations)) {
      throw invalid(`tool '${tool}' has annotations that are no object`);
    }
    const flags = (annotations ?? {}) as Plain;
    specs[tool] = {
      description,
      inputSchema,
      ...(outputSchema !== undefined && { outputSchema }),
      annotations: {
        ...(typeof flags['readOnly'] === 'boolean' && { readOnly: flags['readOnly'] }),
        ...(typeof flags['idempotent'] === 'boolean' && { idempotent: flags['idempotent'] }),
      },
    };
  }
  return { name, configSchema, tools: specs };
}
