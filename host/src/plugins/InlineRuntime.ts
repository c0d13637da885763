import {
  type CallContext,
  type HealthStatus,
  type JsonObject,
  type PluginContext,
  type ToolhostPlugin,
  type ToolSpec,
} from '@toolhost/plugin-sdk';
import type { ToolInstance } from '@toolhost/plugin-sdk/host';
import { HostError } from '../errors.js';
import { RuntimeFault } from '../invocation/RuntimeFault.js';
import type { LifecycleTimeouts, PluginRuntime, RuntimeReport } from './PluginRuntime.js';
import { within } from './within.js';

type Instance = ToolInstance<Record<string, ToolSpec>>;

const DEFAULT_TIMEOUTS: LifecycleTimeouts = { startTimeoutMs: 10_000, stopTimeoutMs: 5_000 };
const REPORT: RuntimeReport = Object.freeze({
  isolation: 'inline',
  sandbox: null,
  restarts: 0,
  lastFault: null,
});

/**
 * Runs a plugin inside the host process: the fastest runtime, for trusted code. A lifecycle
 * step that overruns its timeout is given up on (it cannot be stopped: it shares the host's
 * thread); an `initialize` that settles later is cleaned up then.
 */
export class InlineRuntime implements PluginRuntime {
  #instance: Instance | null = null;
  #inFlight = 0;
  #stopping = false;
  #drained: (() => void) | null = null;
  readonly #timeouts: LifecycleTimeouts;

  constructor(
    private readonly plugin: ToolhostPlugin,
    private readonly context: PluginContext,
    timeouts: Partial<LifecycleTimeouts> = {},
  ) {
    this.#timeouts = { ...DEFAULT_TIMEOUTS, ...timeouts };
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get report(): RuntimeReport {
    return REPORT;
  }

  onFailure(_listener: (error: Error) => void): void {
    // An inline plugin never crashes on its own: its faults are the host's.
  }

  async start(signal?: AbortSignal): Promise<void> {
    const starting = (async () => {
      const instance = await this.plugin.create(this.context);
      try {
        await instance.initialize();
      } catch (error) {
        // Whatever initialize() opened before it failed must not outlive the attempt.
        await instance.cleanup().catch(() => undefined);
        throw error;
      }
      return instance;
    })();
    const { startTimeoutMs } = this.#timeouts;
    try {
      this.#instance = await within(starting, startTimeoutMs, signal, () =>
        this.#timeout('starting (create, initialize)', startTimeoutMs),
      );
    } catch (error) {
      // Given up on: if it ever finishes starting, it is cleaned up at once.
      starting.then(
        (late) => late.cleanup().catch(() => undefined),
        () => undefined,
      );
      throw error;
    }
  }

  invoke(tool: string, input: JsonObject, call: CallContext): Promise<unknown> {
    const instance = this.#instance;
    if (instance === null || this.#stopping) {
      return Promise.reject(
        new RuntimeFault('internal', `Plugin '${this.plugin.name}' is not running`),
      );
    }
    const method = instance[tool];
    if (typeof method !== 'function') {
      return Promise.reject(
        new RuntimeFault('internal', `Plugin '${this.plugin.name}' has no method '${tool}'`),
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
    const instance = this.#instance;
    this.#instance = null;
    if (instance === null) return;
    const { stopTimeoutMs } = this.#timeouts;
    await within(instance.cleanup(), stopTimeoutMs, undefined, () =>
      this.#timeout('cleanup', stopTimeoutMs),
    );
  }

  #settled(): void {
    this.#inFlight -= 1;
    if (this.#inFlight === 0 && this.#drained) this.#drained();
  }

  #timeout(step: string, ms: number): HostError {
    return new HostError('TOOLHOST_ERR_PLUGIN_TIMEOUT', { plugin: this.plugin.name, step, ms });
  }
}
