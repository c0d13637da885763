import type { Logger } from 'winston';
import type { PluginDescription } from '@toolhost/plugin-sdk/host';
import { HostError } from '../errors.js';
import type { RegisteredTool } from '../invocation/RegisteredTool.js';
import type { CallPolicy, Isolation } from '../manifests/Manifest.js';
import type { PluginRuntime } from './PluginRuntime.js';
import type { PluginState, PluginStatus } from './PluginStatus.js';

/** A tool the registry serves: what the call wrapper needs, with its plugin's runtime. */
export type ServedTool = RegisteredTool<PluginRuntime>;

/** A plugin whose runtime has started and whose tools can be served. */
export interface StartedPlugin {
  /** Its name and tools: the plugin itself when inline, its runtime's answer otherwise. */
  description: PluginDescription;
  runtime: PluginRuntime;
  isolation: Isolation;
  /** The manifest's `policy` as written; the call wrapper resolves its defaults. */
  policy: CallPolicy;
  version: string | null;
}

/**
 * Loads and starts one version of a plugin (it closes over what it needs to). `signal`
 * aborts when the registry gives up on the start (a disable or a newer version came).
 */
export type PluginFactory = (signal: AbortSignal) => Promise<StartedPlugin>;

export interface PluginRegistration {
  /** Whether it should run, after any ENABLE_* override. */
  enabled: boolean;
  manifestFile: string | null;
  isolation: Isolation;
  /** Shown while enabled is false because a flag forced it off, or a manifest problem. */
  note?: string | null;
}

interface Entry {
  name: string;
  factory: PluginFactory | null;
  registration: PluginRegistration;
  state: PluginState;
  error: string | null;
  /** What the last start threw; null once a start succeeds or the plugin is stopped. */
  failure: unknown;
  started: StartedPlugin | null;
  tools: ServedTool[];
  updatedAt: Date;
  queue: Promise<unknown>;
  /** Aborts the start in progress, if any. */
  starting: AbortController | null;
}

/** A plugin's new status after an operation; `status` is null once the plugin is forgotten. */
export interface PluginChange {
  plugin: string;
  status: PluginStatus | null;
}

export interface ToolRegistryDeps {
  logger: Logger;
  /** How long disabling a plugin waits for its in-flight calls before `cleanup()`. */
  drainTimeoutMs: number;
  now?: () => Date;
}

/**
 * Every plugin the host knows and every tool it serves. Operations on one plugin run
 * one at a time; `disable` unregisters its tools first, then drains in-flight calls
 * and runs `cleanup()`.
 */
export class ToolRegistry {
  readonly #entries = new Map<string, Entry>();
  readonly #tools = new Map<string, ServedTool>();
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #drainTimeoutMs: number;
  readonly #listeners = new Set<(change: PluginChange) => void>();

  constructor(deps: ToolRegistryDeps) {
    this.#logger = deps.logger;
    this.#drainTimeoutMs = deps.drainTimeoutMs;
    this.#now = deps.now ?? (() => new Date());
  }

  /** @throws Error when `name` is registered already. */
  register(name: string, factory: PluginFactory | null, registration: PluginRegistration): void {
    if (this.#entries.has(name)) throw new Error(`register() called twice for plugin '${name}'`);
    this.#entries.set(name, {
      name,
      factory,
      registration,
      state: 'disabled',
      error: registration.note ?? null,
      failure: null,
      started: null,
      tools: [],
      updatedAt: this.#now(),
      queue: Promise.resolve(),
      starting: null,
    });
    if (factory === null) this.#entry(name).state = 'failed';
    this.#changed(name);
  }

  /**
   * Calls `listener` after every operation that may have changed a plugin (state, tools,
   * version, error): what MCP's list_changed, the console and the fleet follow.
   * @returns a function that unsubscribes.
   */
  onChange(listener: (change: PluginChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Starts every registered plugin whose registration says it should run (the seed's
   * `createTools`; its dependencies now come through the constructor and the factories).
   * Failures are reported, not thrown.
   */
  async createTools(): Promise<PluginStatus[]> {
    await Promise.all(
      [...this.#entries.values()]
        .filter((entry) => entry.registration.enabled && entry.factory !== null)
        .map((entry) => this.enable(entry.name)),
    );
    return this.statuses();
  }

  get(tool: string): ServedTool | undefined {
    return this.#tools.get(tool);
  }

  has(tool: string): boolean {
    return this.#tools.has(tool);
  }

  list(): ServedTool[] {
    return [...this.#tools.values()];
  }

  knows(name: string): boolean {
    return this.#entries.has(name);
  }

  status(name: string): PluginStatus {
    const entry = this.#entry(name);
    const report = entry.started?.runtime.report ?? null;
    return {
      name,
      state: entry.state,
      manifestFile: entry.registration.manifestFile,
      version: entry.started?.version ?? null,
      isolation: report?.isolation ?? entry.registration.isolation,
      tools: entry.tools.map((t) => t.name),
      error: entry.error,
      runtime: report,
      updatedAt: entry.updatedAt.toISOString(),
    };
  }

  statuses(): PluginStatus[] {
    return [...this.#entries.keys()].sort().map((name) => this.status(name));
  }

  started(name: string): StartedPlugin | null {
    return this.#entries.get(name)?.started ?? null;
  }

  /**
   * What the plugin's last start threw (a coded error from the loader), or null when its
   * last start succeeded or it was stopped since; the admin API answers 422 with it.
   */
  lastFailure(name: string): unknown {
    return this.#entries.get(name)?.failure ?? null;
  }

  /** Starts the plugin and serves its tools; a failure leaves it `failed` with the reason. */
  enable(name: string): Promise<PluginStatus> {
    return this.#serial(name, async (entry) => {
      entry.registration = { ...entry.registration, enabled: true };
      if (entry.state === 'enabled') return;
      await this.#start(entry, null);
    });
  }

  /** Stops serving the plugin's tools, drains its in-flight calls, runs `cleanup()`. */
  disable(name: string): Promise<PluginStatus> {
    this.#giveUpStarting(name);
    return this.#serial(name, async (entry) => {
      entry.registration = { ...entry.registration, enabled: false };
      await this.#stop(entry);
      entry.error = entry.registration.note ?? null;
    });
  }

  /**
   * Swaps in a new factory (an edited manifest, a new version). When it should run, the
   * new version starts beside the old one, takes over its tools, then the old one drains.
   * If the new version fails to start, the old one keeps serving and the error is shown.
   */
  replace(
    name: string,
    factory: PluginFactory | null,
    registration: PluginRegistration,
  ): Promise<PluginStatus> {
    if (!this.#entries.has(name)) {
      this.register(name, factory, { ...registration, enabled: false });
      return registration.enabled && factory
        ? this.enable(name)
        : Promise.resolve(this.status(name));
    }
    if (factory !== null) this.#giveUpStarting(name);
    return this.#serial(name, async (entry) => {
      if (factory === null) {
        // A refused manifest: keep whatever runs, report why the new one is not used.
        entry.error = registration.note ?? 'manifest refused';
        if (entry.state !== 'enabled') entry.state = 'failed';
        return;
      }
      entry.factory = factory;
      entry.registration = registration;
      if (!registration.enabled) {
        await this.#stop(entry);
        entry.error = registration.note ?? null;
        return;
      }
      await this.#start(entry, entry.state === 'enabled' ? entry.started : null);
    });
  }

  /** Disables and forgets the plugin (its manifest was removed). */
  async unregister(name: string): Promise<void> {
    if (!this.#entries.has(name)) return;
    await this.disable(name);
    this.#entries.delete(name);
    this.#emit({ plugin: name, status: null });
  }

  /** Disables every plugin, draining in-flight calls (host shutdown). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.#entries.keys()].map((name) => this.disable(name)));
  }

  #changed(name: string): PluginStatus {
    const status = this.status(name);
    this.#emit({ plugin: name, status });
    return status;
  }

  #emit(change: PluginChange): void {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        this.#logger.warn('plugin change listener failed', {
          plugin: change.plugin,
          error: (error as Error).message,
        });
      }
    }
  }

  /** A start still running for a version nobody wants any more is abandoned, not awaited. */
  #giveUpStarting(name: string): void {
    this.#entries
      .get(name)
      ?.starting?.abort(new Error(`the start of plugin '${name}' was superseded`));
  }

  #entry(name: string): Entry {
    const entry = this.#entries.get(name);
    if (!entry) throw new HostError('TOOLHOST_ERR_PLUGIN_UNKNOWN', { plugin: name });
    return entry;
  }

  #serial(name: string, op: (entry: Entry) => Promise<void>): Promise<PluginStatus> {
    const entry = this.#entries.get(name);
    if (!entry)
      return Promise.reject(new HostError('TOOLHOST_ERR_PLUGIN_UNKNOWN', { plugin: name }));
    const run = entry.queue
      .then(() => op(entry))
      .then(() => {
        entry.updatedAt = this.#now();
        return this.#changed(name);
      });
    entry.queue = run.catch(() => undefined);
    return run;
  }

  async #start(entry: Entry, previous: StartedPlugin | null): Promise<void> {
    if (entry.factory === null) return;
    if (previous === null) entry.state = 'loading';
    const starting = new AbortController();
    entry.starting = starting;
    let started: StartedPlugin;
    try {
      started = await entry.factory(starting.signal);
    } catch (error) {
      if (starting.signal.aborted) {
        this.#logger.info('plugin start abandoned', { plugin: entry.name });
        if (previous === null) entry.state = 'disabled';
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      entry.error = previous ? `${message} (still serving the previous version)` : message;
      entry.failure = error;
      if (previous === null) entry.state = 'failed';
      this.#logger.error('plugin failed to start', { plugin: entry.name, error: message });
      return;
    } finally {
      if (entry.starting === starting) entry.starting = null;
    }
    this.#serve(entry, started, []);
    entry.started = started;
    entry.state = 'enabled';
    entry.error = null;
    entry.failure = null;
    started.runtime.onFailure((failure) => void this.#failed(entry.name, started, failure));
    started.runtime.onToolsChanged?.(() => void this.#retool(entry.name, started));
    this.#logger.info('plugin enabled', {
      plugin: entry.name,
      tools: entry.tools.length,
      version: started.version,
      isolation: started.isolation,
    });
    if (previous) {
      try {
        await previous.runtime.stop(this.#drainTimeoutMs);
      } catch (error) {
        this.#logger.warn('plugin cleanup failed', {
          plugin: entry.name,
          error: (error as Error).message,
        });
      }
    }
  }

  /**
   * Serves the tools `started` describes now in place of the entry's; a tool whose spec did
   * not change keeps its object (`keep`), so the wrapper's state of it (breaker) stays.
   */
  #serve(entry: Entry, started: StartedPlugin, keep: readonly ServedTool[]): void {
    const kept = new Map(keep.map((tool) => [tool.name, tool]));
    const oldTools = entry.tools;
    entry.tools = Object.entries(started.description.tools).map(([toolName, spec]) => {
      const name = `${entry.name}.${toolName}`;
      const same = kept.get(name);
      if (same && JSON.stringify(same.spec) === JSON.stringify(spec)) return same;
      return {
        name,
        pluginName: entry.name,
        toolName,
        spec,
        isolation: started.isolation,
        policy: started.policy,
        runtime: started.runtime,
      };
    });
    for (const tool of oldTools) this.#tools.delete(tool.name);
    for (const tool of entry.tools) this.#tools.set(tool.name, tool);
  }

  /** The runtime's tools changed while it runs (an MCP server's list_changed). */
  #retool(name: string, started: StartedPlugin): Promise<PluginStatus> {
    return this.#serial(name, async (entry) => {
      if (entry.started !== started || entry.state !== 'enabled') return;
      this.#serve(entry, started, entry.tools);
      this.#logger.info('plugin tools changed', { plugin: name, tools: entry.tools.length });
    });
  }

  /** Its runtime gave up (repeated crashes): the plugin is failed until reloaded. */
  #failed(name: string, started: StartedPlugin, failure: Error): Promise<PluginStatus> {
    return this.#serial(name, async (entry) => {
      if (entry.started !== started) return;
      await this.#stop(entry);
      entry.state = 'failed';
      entry.error = failure.message;
      entry.failure = failure;
    });
  }

  async #stop(entry: Entry): Promise<void> {
    const started = entry.started;
    for (const tool of entry.tools) this.#tools.delete(tool.name);
    entry.tools = [];
    entry.started = null;
    entry.failure = null;
    if (started === null) {
      entry.state = entry.factory === null ? 'failed' : 'disabled';
      return;
    }
    entry.state = 'draining';
    try {
      await started.runtime.stop(this.#drainTimeoutMs);
    } catch (error) {
      this.#logger.warn('plugin cleanup failed', {
        plugin: entry.name,
        error: (error as Error).message,
      });
    }
    entry.state = 'disabled';
    this.#logger.info('plugin disabled', { plugin: entry.name });
  }
}
