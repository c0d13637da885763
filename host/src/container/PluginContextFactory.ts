import { inject, injectable } from 'tsyringe';
import { Ajv } from 'ajv';
import type { Logger as WinstonLogger } from 'winston';
import {
  ToolError,
  type JsonObject,
  type PluginContext,
  type StoreCapability,
  type ToolhostPlugin,
} from '@toolhost/plugin-sdk';
import {
  createFetchHttp,
  describeSchemaErrors,
  ToolhostError,
  type Logger,
} from '@toolhost/plugin-sdk/host';
import type { CacheBackend } from '../cache/CacheBackend.js';
import type { Database } from '../db/Database.js';
import { HostError } from '../errors.js';
import type { Manifest } from '../manifests/Manifest.js';
import { createPluginCache } from './createPluginCache.js';
import { createPluginStore } from './createPluginStore.js';
import { TOKENS } from './tokens.js';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function deniedStore(pluginName: string): StoreCapability {
  const deny = async (): Promise<never> => {
    throw new ToolError('permission_denied', `Plugin '${pluginName}' is not granted store access`);
  };
  return { get: deny, put: deny, delete: deny, list: deny };
}

/** Builds a plugin's PluginContext from the root services and its manifest (resolved in a child container). */
@injectable()
export class PluginContextFactory {
  constructor(
    @inject(TOKENS.Logger) private readonly logger: WinstonLogger,
    @inject(TOKENS.Database) private readonly database: Database,
    @inject(TOKENS.CacheBackend) private readonly cache: CacheBackend,
    @inject(TOKENS.Fetch) private readonly fetch: typeof globalThis.fetch,
    @inject(TOKENS.Manifest) private readonly manifest: Manifest,
  ) {}

  /**
   * @throws ToolhostError `TOOLHOST_ERR_CONFIG_INVALID`, HostError `TOOLHOST_ERR_SECRET_MISSING`.
   */
  create(
    plugin: ToolhostPlugin,
    env: Readonly<Record<string, string | undefined>> = process.env,
  ): PluginContext {
    const { manifest } = this;
    const name = manifest.name;
    const config = structuredClone(manifest.config ?? {}) as JsonObject;
    const validate = new Ajv({ allErrors: true, strict: false, useDefaults: true }).compile(
      plugin.configSchema,
    );
    if (!validate(config)) {
      throw new ToolhostError('TOOLHOST_ERR_CONFIG_INVALID', {
        plugin: name,
        details: describeSchemaErrors(validate.errors).join('; '),
      });
    }
    const secrets: Record<string, string> = {};
    for (const [secret, ref] of Object.entries(manifest.secrets ?? {})) {
      const value = env[ref.env];
      if (value === undefined || value === '') {
        throw new HostError('TOOLHOST_ERR_SECRET_MISSING', {
          plugin: name,
          secret,
          env: ref.env,
        });
      }
      secrets[secret] = value;
    }
    const permissions = manifest.permissions ?? {};
    const pluginLogger = this.logger.child({ plugin: name });
    const logger: Logger = {
      debug: (message, fields) => pluginLogger.debug(message, fields),
      info: (message, fields) => pluginLogger.info(message, fields),
      warn: (message, fields) => pluginLogger.warn(message, fields),
      error: (message, fields) => pluginLogger.error(message, fields),
    };
    return Object.freeze({
      pluginName: name,
      config: deepFreeze(config),
      secrets: Object.freeze(secrets),
      logger,
      http: createFetchHttp({
        pluginName: name,
        allowedOrigins: permissions.http ?? [],
        defaultTimeoutMs: manifest.policy?.timeoutMs ?? 30_000,
        fetch: this.fetch,
      }),
      cache: createPluginCache(this.cache, name, permissions.cache === true),
      store:
        permissions.store === true ? createPluginStore(this.database.orm, name) : deniedStore(name),
    });
  }
}
