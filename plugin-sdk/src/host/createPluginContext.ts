import { Ajv } from 'ajv';
import type { PluginDescription } from '../definePlugin.js';
import { ToolError, ToolhostError } from '../errors.js';
import type {
  CacheCapability,
  HttpCapability,
  Logger,
  PluginContext,
  SearchCapability,
  StoreCapability,
} from '../PluginContext.js';
import type { JsonObject } from '../ToolResult.js';
import { compilePluginSchema, PLUGIN_SCHEMA_OPTIONS } from './compileToolSchemas.js';
import { createFetchHttp, limitToOrigins } from './createFetchHttp.js';
import { describeSchemaErrors } from './describeSchemaErrors.js';

/** What a manifest's `permissions` grants a plugin; nothing is granted unless named. */
export interface PluginPermissions {
  /** Origins (`scheme://host[:port]`) the plugin may call through `http`. */
  http?: readonly string[];
  cache?: boolean;
  store?: boolean;
  /** Since SDK 1.1: full-text search over the plugin's own documents. */
  search?: boolean;
}

/** What a PluginContext is made of, before the rules below are applied. */
export interface PluginContextParts {
  /** The `config` as written, before the configSchema's defaults. */
  config?: JsonObject;
  permissions?: PluginPermissions;
  secrets?: Readonly<Record<string, string>>;
  logger: Logger;
  /** The plugin's own cache and store (namespaced to it); each handed over only when granted. */
  cache: CacheCapability;
  store: StoreCapability;
  /** The plugin's own search index (namespaced to it); handed over only when granted. */
  search: SearchCapability;
  /** Replaces the fetch-based `http`; its calls are still limited to the granted origins. */
  http?: HttpCapability;
  /** For the fetch-based `http`: the fetch it uses, and the timeout of a request that names none. */
  fetch?: typeof globalThis.fetch;
  defaultTimeoutMs?: number;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const notGranted = (plugin: string, what: string) => async (): Promise<never> => {
  throw new ToolError('permission_denied', `Plugin '${plugin}' is not granted ${what} access`);
};

/**
 * The manifest's `config` with the configSchema's defaults filled in, validated and frozen.
 * @throws ToolhostError `TOOLHOST_ERR_CONFIG_INVALID` naming each field that breaks the schema,
 * `TOOLHOST_ERR_PLUGIN_INVALID` when the configSchema itself does not compile.
 */
export function resolvePluginConfig(
  plugin: Pick<PluginDescription, 'name' | 'configSchema'>,
  config: JsonObject = {},
): Readonly<JsonObject> {
  const ajv = new Ajv({ ...PLUGIN_SCHEMA_OPTIONS, useDefaults: true });
  const validate = compilePluginSchema(
    ajv,
    plugin,
    plugin.configSchema,
    'it has an invalid configSchema',
  );
  const resolved = structuredClone(config);
  if (!validate(resolved)) {
    throw new ToolhostError('TOOLHOST_ERR_CONFIG_INVALID', {
      plugin: plugin.name,
      details: describeSchemaErrors(validate.errors).join('; '),
    });
  }
  return deepFreeze(resolved);
}

/**
 * The PluginContext `create` receives, by the rules the host and the `./testing` harness
 * share: config defaults and validation, and capabilities limited to what `permissions`
 * grants (anything else rejects with a ToolError `permission_denied`).
 * @throws ToolhostError `TOOLHOST_ERR_CONFIG_INVALID` / `TOOLHOST_ERR_PLUGIN_INVALID` (see resolvePluginConfig).
 */
export function createPluginContext(
  plugin: Pick<PluginDescription, 'name' | 'configSchema'>,
  parts: PluginContextParts,
): PluginContext {
  const name = plugin.name;
  const grants = parts.permissions ?? {};
  const origins = grants.http ?? [];
  const deny = (what: string) => notGranted(name, what);
  return Object.freeze({
    pluginName: name,
    config: resolvePluginConfig(plugin, parts.config),
    secrets: Object.freeze({ ...parts.secrets }),
    logger: parts.logger,
    http: parts.http
      ? limitToOrigins(parts.http, name, origins)
      : createFetchHttp({
          pluginName: name,
          allowedOrigins: origins,
          ...(parts.fetch && { fetch: parts.fetch }),
          ...(parts.defaultTimeoutMs !== undefined && { defaultTimeoutMs: parts.defaultTimeoutMs }),
        }),
    cache:
      grants.cache === true
        ? parts.cache
        : { get: deny('cache'), set: deny('cache'), del: deny('cache') },
    store:
      grants.store === true
        ? parts.store
        : { get: deny('store'), put: deny('store'), delete: deny('store'), list: deny('store') },
    search:
      grants.search === true
        ? parts.search
        : {
            index: deny('search'),
            remove: deny('search'),
            query: deny('search'),
            count: deny('search'),
          },
  });
}
