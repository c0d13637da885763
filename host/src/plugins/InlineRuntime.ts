import {
  ToolError,
  type CallContext,
  type HealthStatus,
  type JsonObject,
  type PluginContext,
  type ToolhostPlugin,
  type ToolSpec,
} from '@toolhost/plugin-sdk';
import type { ToolInstance } from '@toolhost/plugin-sdk/host';
import type { PluginRuntime } from './PluginRuntime.js';

type Instance = ToolInstance<Record<string, ToolSpec>>;

/** Runs a plugin inside the host process: the fastest runtime, for trusted code. */
export class InlineRuntime implements PluginRuntime {
  #instance: Instance | null = null;
  #inFlight = 0;
  #stopping = false;
  #drained: (() => void) | null = null;

  constructor(
    private readonly plugin: ToolhostPlugin,
    private readonly context: PluginContext,
  ) {}

  get inFlight(): number {
    return this.#inFlight;
  }

  async start(): Promise<void> {
    const instance = await this.plugin.create(this.context);
    try {
      await instance.initialize();
    } catch (error) {
      // Whatever initialize() opened before it failed must not outlive the attempt.
      await instance.cleanup().catch(() => undefined);
      throw error;
    }
    this.#instance = instance;
  }

  invoke(tool: string, input: JsonObject, call: CallContext): Promise<unknown> {
    const instance = this.#instance;
    if (instance === null || this.#stopping) {
      return Promise.reject(
        new ToolError('internal', `Plugin '${this.plugin.name}' is not running`),
      );
    }
    const method = instance[tool];
    if (typeof method !== 'function') {
      return Promise.reject(
        new ToolError('internal', `Plugin '${this.plugin.name}' has no method '${tool}'`),
      );
    }
    this.#inFlight += 1;
    let pending: Promise<unknown>;
    try {
      pending = Promise.resolve(method.call(instance, input, call));
    } catch (error) {
      this.#settled();
      return Promise.reject(error);
    }
    return pending.then(
      (value) => {
        this.#settled();
        return value;
      },
      (error: unknown) => {
        this.#settled();
        throw error;
      },
    );
  }

  async health(): Promise<HealthStatus> {
    if (this.#instance === null || this.#stopping) return { healthy: false };
    return this.#instance.health();
  }

  async stop(drainTimeoutMs: number): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    if (this.#inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => (this.#drained = resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, drainTimeoutMs))),
      ]);
      clearTimeout(timer);
    }
    await this.#instance?.cleanup();
    this.#instance = null;
  }

  #settled(): void {
    this.#inFlight -= 1;
    if (this.#inFlight === 0 && this.#drained) this.#drained();
  }
}
