import { inject, injectable } from 'tsyringe';
import type { Logger as WinstonLogger } from 'winston';
import type { PluginContext, ToolhostPlugin } from '@toolhost/plugin-sdk';
import { createPluginContext, type Logger } from '@toolhost/plugin-sdk/host';
import type { CacheBackend } from '../cache/CacheBackend.js';
import type { Database } from '../db/Database.js';
import { HostError } from '../errors.js';
import type { Manifest } from '../manifests/Manifest.js';
import { createPluginCache } from './createPluginCache.js';
import { createPluginStore } from './createPluginStore.js';
import { TOKENS } from './tokens.js';

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
    const pluginLogger = this.logger.child({ plugin: name });
    const logger: Logger = {
      debug: (message, fields) => pluginLogger.debug(message, fields),
      info: (message, fields) => pluginLogger.info(message, fields),
      warn: (message, fields) => pluginLogger.warn(message, fields),
      error: (message, fields) => pluginLogger.error(message, fields),
    };
    return createPluginContext(plugin, {
      ...(manifest.config && { config: manifest.config }),
      ...(manifest.permissions && { permissions: manifest.permissions }),
      secrets,
      logger,
      fetch: this.fetch,
      defaultTimeoutMs: manifest.policy?.timeoutMs ?? 30_000,
      cache: createPluginCache(this.cache, name),
      store: createPluginStore(this.database.orm, name),
    });
  }
}
