import { randomUUID } from 'node:crypto';
import { Ajv } from 'ajv';
import type { ToolhostPlugin, ToolInstance, ToolSpec } from '../definePlugin.js';
import { isToolError, ToolhostError } from '../errors.js';
import { compileToolSchemas } from '../host/compileToolSchemas.js';
import { createPluginContext, type PluginPermissions } from '../host/createPluginContext.js';
import { describeSchemaErrors } from '../host/describeSchemaErrors.js';
import type {
  CacheCapability,
  HttpCapability,
  PluginContext,
  SearchCapability,
  StoreCapability,
} from '../PluginContext.js';
import { fail, type JsonObject, type ToolResult } from '../ToolResult.js';
import { toolResultSchema } from '../toolResultSchema.js';
import { createMemoryCache } from './createMemoryCache.js';
import { createMemorySearch } from './createMemorySearch.js';
import { createMemoryStore } from './createMemoryStore.js';
import { createRecordingLogger, type LogRecord } from './createRecordingLogger.js';

export type { PluginPermissions } from '../host/createPluginContext.js';

export interface HarnessOptions {
  /** The manifest's `config`; the configSchema's defaults are filled in, as the host does. */
  config?: JsonObject;
  secrets?: Record<string, string>;
  /**
   * What the manifest grants (its `permissions`): origins for `http`, `cache`, `store`, `search`. As in
   * the host, nothing is granted unless named, and a capability that is not rejects every
   * call with a ToolError `permission_denied`.
   */
  permissions?: PluginPermissions;
  /** Replaces the real fetch-based `http`; its calls are still limited to `permissions.http`. */
  http?: HttpCapability;
  /** What backs `cache`, `store` and `search` when granted (default: fresh in-memory ones). */
  cache?: CacheCapability;
  store?: StoreCapability;
  search?: SearchCapability;
}

export interface HarnessCallOptions {
  requestId?: string;
  sessionId?: string | null;
  signal?: AbortSignal;
  /** Aborts the call's signal after this many milliseconds. */
  timeoutMs?: number;
  attempt?: number;
}

export interface PluginHarness {
  readonly instance: ToolInstance<Record<string, ToolSpec>>;
  readonly context: PluginContext;
  readonly logs: readonly LogRecord[];
  /**
   * Calls a tool as the host would (input validated, thrown ToolErrors turned into
   * failed results) and checks the result against the ToolResult schema and the
   * tool's outputSchema.
   * @throws ToolhostError `TOOLHOST_ERR_TOOL_UNKNOWN` for a tool the plugin does not declare,
   * `TOOLHOST_ERR_HARNESS_ASSERTION` when the tool breaks its contract (a declared tool
   * with no method, a result that is not a ToolResult, `data` that breaks its outputSchema).
   */
  call(tool: string, input: JsonObject, options?: HarnessCallOptions): Promise<ToolResult>;
  /** Runs `cleanup()`. */
  close(): Promise<void>;
}

/**
 * Creates and initializes a plugin against in-memory capabilities, so plugin authors
 * can test their tools without a host. It applies the host's rules: config defaults,
 * permission grants, and strict schemas.
 * @throws ToolhostError `TOOLHOST_ERR_CONFIG_INVALID` when `config` breaks the configSchema,
 * `TOOLHOST_ERR_PLUGIN_INVALID` (naming the tool) when a schema does not compile or uses a
 * keyword JSON Schema does not know.
 */
export async function createPluginHarness(
  plugin: ToolhostPlugin,
  options: HarnessOptions = {},
): Promise<PluginHarness> {
  const compiled = compileToolSchemas(plugin);
  const validateResult = new Ajv({ allErrors: true, strict: true }).compile(toolResultSchema);
  const logger = createRecordingLogger();
  const context = createPluginContext(plugin, {
    ...(options.config && { config: options.config }),
    ...(options.permissions && { permissions: options.permissions }),
    ...(options.secrets && { secrets: options.secrets }),
    ...(options.http && { http: options.http }),
    logger,
    cache: options.cache ?? createMemoryCache(),
    store: options.store ?? createMemoryStore(),
    search: options.search ?? createMemorySearch(),
  });
  const instance = await plugin.create(context);
  await instance.initialize();

  const assertion = (tool: string, details: string) =>
    new ToolhostError('TOOLHOST_ERR_HARNESS_ASSERTION', { tool, details });

  return {
    instance,
    context,
    logs: logger.records,
    async call(tool, input, callOptions = {}) {
      const schemas = compiled.get(tool);
      if (!schemas) {
        throw new ToolhostError('TOOLHOST_ERR_TOOL_UNKNOWN', { tool: `${plugin.name}.${tool}` });
      }
      const method = instance[tool];
      if (typeof method !== 'function') {
        throw assertion(tool, `it is listed in tools, but create() returned no method '${tool}'`);
      }
      if (!schemas.input(input)) {
        return fail(
          `Input of tool '${plugin.name}.${tool}' is invalid: ${describeSchemaErrors(schemas.input.errors).join('; ')}`,
          'invalid_input',
        );
      }
      const signals = [
        callOptions.signal,
        callOptions.timeoutMs === undefined
          ? undefined
          : AbortSignal.timeout(callOptions.timeoutMs),
      ].filter((s): s is AbortSignal => s !== undefined);
      let result: unknown;
      try {
        result = await method.call(instance, structuredClone(input), {
          requestId: callOptions.requestId ?? randomUUID(),
          sessionId: callOptions.sessionId ?? null,
          signal: AbortSignal.any(signals),
          attempt: callOptions.attempt ?? 1,
          logger,
        });
      } catch (error) {
        if (!isToolError(error)) throw error;
        result = fail(error.message, error.toolErrorCode);
      }
      if (!validateResult(result)) {
        throw assertion(
          tool,
          `result is not a ToolResult: ${describeSchemaErrors(validateResult.errors).join('; ')}`,
        );
      }
      const toolResult = JSON.parse(JSON.stringify(result)) as ToolResult;
      if (toolResult.success && schemas.output && !schemas.output(toolResult.data)) {
        throw assertion(
          tool,
          `data breaks its outputSchema: ${describeSchemaErrors(schemas.output.errors).join('; ')}`,
        );
      }
      return toolResult;
    },
    async close() {
      await instance.cleanup();
    },
  };
}
