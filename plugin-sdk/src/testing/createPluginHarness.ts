import { randomUUID } from 'node:crypto';
import { Ajv, type ValidateFunction } from 'ajv';
import { createFetchHttp } from '../host/createFetchHttp.js';
import type { ToolhostPlugin, ToolInstance, ToolSpec } from '../definePlugin.js';
import { isToolError, ToolhostError } from '../errors.js';
import type {
  CacheCapability,
  HttpCapability,
  PluginContext,
  StoreCapability,
} from '../PluginContext.js';
import { describeSchemaErrors } from '../host/describeSchemaErrors.js';
import { fail, type JsonObject, type ToolResult } from '../ToolResult.js';
import { toolResultSchema } from '../toolResultSchema.js';
import { createMemoryCache } from './createMemoryCache.js';
import { createMemoryStore } from './createMemoryStore.js';
import { createRecordingLogger, type LogRecord } from './createRecordingLogger.js';

export interface HarnessOptions {
  config?: JsonObject;
  secrets?: Record<string, string>;
  /** Origins the plugin may reach with the real fetch-based `http`; ignored when `http` is given. */
  allowedOrigins?: readonly string[];
  http?: HttpCapability;
  cache?: CacheCapability;
  store?: StoreCapability;
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
   * @throws ToolhostError `TOOLHOST_ERR_HARNESS_ASSERTION` when the tool breaks its contract.
   */
  call(tool: string, input: JsonObject, options?: HarnessCallOptions): Promise<ToolResult>;
  /** Runs `cleanup()`. */
  close(): Promise<void>;
}

interface CompiledTool {
  input: ValidateFunction;
  output: ValidateFunction | null;
}

/**
 * Creates and initializes a plugin against in-memory capabilities, so plugin authors
 * can test their tools without a host.
 * @throws ToolhostError `TOOLHOST_ERR_CONFIG_INVALID` when `config` breaks the configSchema.
 */
export async function createPluginHarness(
  plugin: ToolhostPlugin,
  options: HarnessOptions = {},
): Promise<PluginHarness> {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validateResult = ajv.compile(toolResultSchema);
  const config = options.config ?? {};
  const validateConfig = ajv.compile(plugin.configSchema);
  if (!validateConfig(config)) {
    throw new ToolhostError('TOOLHOST_ERR_CONFIG_INVALID', {
      plugin: plugin.name,
      details: describeSchemaErrors(validateConfig.errors).join('; '),
    });
  }
  const compiled = new Map<string, CompiledTool>();
  for (const [name, spec] of Object.entries(plugin.tools)) {
    compiled.set(name, {
      input: ajv.compile(spec.inputSchema),
      output: spec.outputSchema ? ajv.compile(spec.outputSchema) : null,
    });
  }

  const logger = createRecordingLogger();
  const context: PluginContext = Object.freeze({
    pluginName: plugin.name,
    config: Object.freeze(structuredClone(config)),
    secrets: Object.freeze({ ...options.secrets }),
    logger,
    http:
      options.http ??
      createFetchHttp({ pluginName: plugin.name, allowedOrigins: options.allowedOrigins ?? [] }),
    cache: options.cache ?? createMemoryCache(),
    store: options.store ?? createMemoryStore(),
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
      const method = instance[tool];
      if (!schemas || typeof method !== 'function') {
        throw new ToolhostError('TOOLHOST_ERR_TOOL_UNKNOWN', { tool: `${plugin.name}.${tool}` });
      }
      if (!schemas.input(input)) {
        return fail(describeSchemaErrors(schemas.input.errors).join('; '), 'invalid_input');
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
