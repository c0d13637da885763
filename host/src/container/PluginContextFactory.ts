import { inject, injectable } from 'tsyringe';
import type {
  CacheCapability,
  PluginContext,
  SearchCapability,
  StoreCapability,
} from '@toolhost/plugin-sdk';
import {
  createPluginContext,
  type Logger,
  type PluginDescription,
} from '@toolhost/plugin-sdk/host';
import { HostError } from '../errors.js';
import type { Manifest } from '../manifests/Manifest.js';
import { PLUGIN, ROOT } from './tokens.js';

/**
 * Builds a plugin's PluginContext from the capabilities of its child container
 * (createPluginContainer), by the SDK's rules: config defaults and validation, and only the
 * capabilities the manifest grants.
 */
@injectable()
export class PluginContextFactory {
  constructor(
    @inject(PLUGIN.Manifest) private readonly manifest: Manifest,
    @inject(PLUGIN.Logger) private readonly logger: Logger,
    @inject(PLUGIN.Cache) private readonly cache: CacheCapability,
    @inject(PLUGIN.Store) private readonly store: StoreCapability,
    @inject(PLUGIN.Search) private readonly search: SearchCapability,
    @inject(ROOT.Fetch) private readonly fetch: typeof globalThis.fetch,
    @inject(ROOT.Env) private readonly env: Readonly<Record<string, string | undefined>>,
  ) {}

  /**
   * @throws ToolhostError `TOOLHOST_ERR_CONFIG_INVALID`, HostError `TOOLHOST_ERR_SECRET_MISSING`.
   */
  create(plugin: Pick<PluginDescription, 'name' | 'configSchema'>): PluginContext {
    const { manifest } = this;
    return createPluginContext(plugin, {
      ...(manifest.config && { config: manifest.config }),
      ...(manifest.permissions && { permissions: manifest.permissions }),
      secrets: this.#secrets(),
      logger: this.logger,
      fetch: this.fetch,
      defaultTimeoutMs: manifest.policy?.timeoutMs ?? 30_000,
      cache: this.cache,
      store: this.store,
      search: this.search,
    });
  }

  #secrets(): Record<string, string> {
    const secrets: Record<string, string> = {};
    for (const [secret, ref] of Object.entries(this.manifest.secrets ?? {})) {
      const value = this.env[ref.env];
      if (value === undefined || value === '') {
        throw new HostError('TOOLHOST_ERR_SECRET_MISSING', {
          plugin: this.manifest.name,
          secret,
          env: ref.env,
        });
      }
      secrets[secret] = value;
    }
    return secrets;
  }
}
