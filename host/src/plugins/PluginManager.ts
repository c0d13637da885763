import type { Logger } from 'winston';
import { KeyedMutex } from '@toolhost/plugin-sdk';
import type { Settings } from '../config/Settings.js';
import { HostError } from '../errors.js';
import type { ManifestStore } from '../manifests/ManifestStore.js';
import type { ManifestEntry } from '../manifests/readManifests.js';
import type { PluginLoader } from './createPluginLoader.js';
import { parseManifest } from '../manifests/validateManifest.js';
import type { OperatorManifest, PluginAdmin, PluginStatus } from './PluginStatus.js';
import { refusalOf } from './refusalOf.js';
import { registrationOf } from './registrationOf.js';
import type { ToolRegistry } from './ToolRegistry.js';

export interface PluginManagerOptions {
  settings: Pick<Settings, 'pluginFlags'>;
  /** The manifests: the files of one host, or the table a fleet shares. */
  store: ManifestStore;
  registry: ToolRegistry;
  load: PluginLoader;
  logger: Logger;
  /** Fallback rescan for file systems whose change events are unreliable, or lost notifications. */
  pollIntervalMs?: number;
}

interface Known {
  hash: string;
  file: string;
  /** Why the manifest as it stands is refused, if it is. */
  refusal: HostError | null;
}

/**
 * Keeps the registry in step with the manifests dir: new, edited, enabled, disabled
 * and removed manifests take effect while the host runs. Admin enable/disable edit the
 * manifest file, so the change survives a restart; an enable whose plugin cannot start puts
 * the file back as it was and rejects with the reason.
 */
export class PluginManager implements PluginAdmin {
  readonly #options: PluginManagerOptions;
  readonly #known = new Map<string, Known>();
  readonly #edits = new KeyedMutex();
  /** The latest change dispatched per plugin, until it took effect. */
  readonly #applying = new Map<string, Promise<void>>();
  #running: Promise<void> | null = null;
  #again = false;
  #unwatch: (() => Promise<void>) | null = null;
  #debounce: NodeJS.Timeout | undefined;
  #poll: NodeJS.Timeout | undefined;

  constructor(options: PluginManagerOptions) {
    this.#options = options;
  }

  /**
   * Applies the manifests dir as it is now and resolves once every change it found took
   * effect (start-up waits for it). Each plugin's change runs in that plugin's own queue, so
   * a slow start (bounded by its start timeout) holds up no other plugin.
   */
  async sync(): Promise<void> {
    await this.#scan();
    await Promise.all(this.#applying.values());
  }

  /** Reads the manifests dir and dispatches what changed; concurrent scans coalesce. */
  #scan(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        await this.#syncOnce();
      } while (this.#again);
    })().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** Scans, then waits for the change of one plugin only (an admin action on it). */
  async #syncPlugin(name: string): Promise<void> {
    await this.#scan();
    await this.#applying.get(name);
  }

  #track(name: string, change: Promise<unknown>): void {
    const done = change.then(
      () => undefined,
      (error: unknown) => {
        this.#options.logger.error('plugin change failed', {
          plugin: name,
          error: (error as Error).message,
        });
      },
    );
    this.#applying.set(name, done);
    void done.finally(() => {
      if (this.#applying.get(name) === done) this.#applying.delete(name);
    });
  }

  /** The hash of the manifest each plugin was last applied from (what this host runs). */
  revisions(): Map<string, string> {
    return new Map([...this.#known].map(([name, known]) => [name, known.hash]));
  }

  /** Watches the manifest store (and rescans every pollIntervalMs as a fallback). */
  async watch(): Promise<void> {
    const schedule = () => {
      clearTimeout(this.#debounce);
      this.#debounce = setTimeout(() => void this.#scanLogged(), 15);
    };
    this.#unwatch = await this.#options.store.watch(schedule, (error) =>
      this.#options.logger.warn('manifest watcher failed', { error: error.message }),
    );
    this.#poll = setInterval(() => void this.#scanLogged(), this.#options.pollIntervalMs ?? 1_000);
    this.#poll.unref();
  }

  async close(): Promise<void> {
    await this.#unwatch?.();
    clearTimeout(this.#debounce);
    clearInterval(this.#poll);
    await this.#running;
    await Promise.all(this.#applying.values());
  }

  list(): PluginStatus[] {
    return this.#options.registry.statuses();
  }

  enable(name: string): Promise<PluginStatus> {
    return this.#setEnabled(name, true);
  }

  disable(name: string): Promise<PluginStatus> {
    return this.#setEnabled(name, false);
  }

  /**
   * Re-imports the plugin from its current manifest, even if nothing changed.
   * @throws the coded reason when the new version cannot start (the previous one, if any,
   * keeps serving).
   */
  reload(name: string): Promise<PluginStatus> {
    return this.#edits.run(name, async () => {
      this.#require(name);
      this.#known.delete(name);
      await this.#syncPlugin(name);
      const refusal = this.#known.get(name)?.refusal ?? refusalOf(this.#options.registry, name);
      if (refusal) throw refusal;
      return this.#options.registry.status(name);
    });
  }

  configure(name: string, choices: OperatorManifest): Promise<PluginStatus> {
    return this.#edits.run(name, async () => {
      this.#require(name);
      const { store, registry } = this.#options;
      const previous = await store.read(name);
      if (previous === null) throw new HostError('TOOLHOST_ERR_PLUGIN_UNKNOWN', { plugin: name });
      if (previous.manifest === null) throw previous.refusal;
      const { source } = previous.manifest;
      const manifest = parseManifest(
        { ...choices, name, source, enabled: choices.enabled ?? previous.manifest.enabled },
        store.locationOf(name),
      );
      await store.write(manifest);
      await this.#syncPlugin(name);
      if (manifest.enabled) {
        const refusal = this.#refusalOfEnable(name);
        if (refusal !== null) {
          await store.write(previous.manifest);
          await this.#syncPlugin(name);
          throw refusal;
        }
      }
      return registry.status(name);
    });
  }

  #setEnabled(name: string, enabled: boolean): Promise<PluginStatus> {
    return this.#edits.run(name, async () => {
      const known = this.#require(name);
      // A refused manifest is refused as it stands: flipping its flag must not make the
      // fleet's other hosts act on it before this one undoes it.
      if (enabled && known.refusal) throw known.refusal;
      const undo = await this.#options.store.setEnabled(name, enabled);
      await this.#syncPlugin(name);
      const { registry } = this.#options;
      if (enabled) {
        const refusal = this.#refusalOfEnable(name);
        if (refusal === null) return registry.status(name);
        if (undo) {
          await undo();
          await this.#syncPlugin(name);
        }
        throw refusal;
      }
      // A refused manifest keeps the running version, but a disable must still stop it.
      if (registry.status(name).state === 'enabled') return registry.disable(name);
      return registry.status(name);
    });
  }

  /** Why an enabled plugin is not running (a flag that forces it off is no refusal). */
  #refusalOfEnable(name: string): Error | null {
    const { registry } = this.#options;
    const status = registry.status(name);
    if (status.state !== 'failed') return null;
    return (
      this.#known.get(name)?.refusal ??
      refusalOf(registry, name) ??
      new HostError('TOOLHOST_ERR_PLUGIN_LOAD_FAILED', {
        plugin: name,
        details: status.error ?? 'it did not start',
      })
    );
  }

  #require(name: string): Known {
    const known = this.#known.get(name);
    if (!known) throw new HostError('TOOLHOST_ERR_PLUGIN_UNKNOWN', { plugin: name });
    return known;
  }

  async #scanLogged(): Promise<void> {
    try {
      await this.#scan();
    } catch (error) {
      this.#options.logger.error('manifest sync failed', { error: (error as Error).message });
    }
  }

  async #syncOnce(): Promise<void> {
    const entries = await this.#options.store.list();
    const seen = new Set(entries.map((e) => e.name));
    const changed = entries.filter((e) => this.#known.get(e.name)?.hash !== e.hash);
    const removed = [...this.#known.keys()].filter((name) => !seen.has(name));
    for (const entry of changed) this.#track(entry.name, this.#apply(entry));
    for (const name of removed) {
      this.#known.delete(name);
      this.#track(
        name,
        this.#options.registry.unregister(name).then(() => {
          this.#options.logger.info('plugin manifest removed', { plugin: name });
        }),
      );
    }
  }

  async #apply(entry: ManifestEntry): Promise<void> {
    const { registry, logger, settings, load } = this.#options;
    this.#known.set(entry.name, { hash: entry.hash, file: entry.file, refusal: entry.refusal });
    if (entry.manifest === null) {
      logger.error('plugin manifest refused', { plugin: entry.name, error: entry.error });
      await registry.replace(entry.name, null, {
        enabled: false,
        manifestFile: entry.file,
        isolation: 'inline',
        note: entry.error,
      });
      return;
    }
    const { manifest } = entry;
    const status = await registry.replace(
      manifest.name,
      (signal) => load(manifest, signal),
      registrationOf(manifest, entry.file, settings.pluginFlags),
    );
    logger.info('plugin manifest applied', {
      plugin: manifest.name,
      state: status.state,
      error: status.error,
    });
  }
}
