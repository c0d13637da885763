import type { CallContext, HealthStatus, JsonObject, PluginContext } from '@toolhost/plugin-sdk';
import type { PluginDescription } from '@toolhost/plugin-sdk/host';
import type winston from 'winston';
import { HostError, isHostError } from '../errors.js';
import { isCancellableCall } from '../invocation/CancellableCall.js';
import { isRuntimeFault, RuntimeFault } from '../invocation/RuntimeFault.js';
import {
  CAPABILITY_LIMITS,
  capabilityHandlers,
  type CapabilityLimits,
} from '../sandbox/capabilityHandlers.js';
import type {
  ExitReport,
  LaunchedRuntime,
  Launcher,
  RuntimeChannel,
} from '../sandbox/LaunchedRuntime.js';
import type { Cancellation } from '../sandbox/protocol/Peer.js';
import type { LoadRequest } from '../sandbox/runner/RunnerData.js';
import { TokenBucket } from '../sandbox/TokenBucket.js';
import { traceHeaders } from '../telemetry/traceContext.js';
import { CrashHistory, respawnDelayMs } from './CrashHistory.js';
import type { LifecycleTimeouts, PluginRuntime, RuntimeReport } from './PluginRuntime.js';
import { within } from './within.js';

/** What the host made of the plugin's own description: checked schemas and its context. */
export interface PreparedPlugin {
  description: PluginDescription;
  context: PluginContext;
}

export interface RemoteRuntimeOptions {
  pluginName: string;
  isolation: 'worker' | 'process';
  /** The confinement of a `process` runtime, as reported; null for a worker. */
  sandbox: string | null;
  launch: Launcher;
  load: LoadRequest;
  /**
   * Checks what the runtime says the plugin is (untrusted plain data) and builds its context
   * in the host; runs once, on the first load.
   */
  prepare(description: unknown): PreparedPlugin;
  /** The manifest's call timeout: a call this far past it, with no heartbeat, is a hang. */
  callTimeoutMs: number;
  timeouts: LifecycleTimeouts;
  hang: { graceMs: number; heartbeatMs: number };
  crashes: { limit: number; windowMs: number };
  logger: winston.Logger;
  capabilityLimits?: CapabilityLimits;
  respawnDelayMs?: (crashesInARow: number) => number;
}

interface Instance {
  readonly launched: LaunchedRuntime;
  stage: 'load' | 'prepare' | 'start';
  booted: boolean;
  watch: NodeJS.Timeout | null;
  ping: { at: number } | null;
  /** Set when the host ended it on purpose for a fault (a hang, a failed restart). */
  killedFor: string | null;
  /** Counted as a crash already (when it was killed, before it was gone). */
  lost: boolean;
}

interface Outage {
  promise: Promise<Instance>;
  resolve(instance: Instance): void;
  reject(reason: Error): void;
}

function outage(): Outage {
  let resolve!: (instance: Instance) => void;
  let reject!: (reason: Error) => void;
  const promise = new Promise<Instance>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody may be waiting when it ends: that is no unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

function signalCancellation(signal: AbortSignal): Cancellation {
  return {
    onCancel(listener) {
      const abort = () => listener(signal.reason);
      signal.addEventListener('abort', abort, { once: true });
      return () => signal.removeEventListener('abort', abort);
    },
  };
}

function isHealthStatus(value: unknown): value is HealthStatus {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { healthy?: unknown }).healthy === 'boolean'
  );
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * A plugin running on the other side of the protocol, in a worker or a child process
 * (DESIGN section 7). The plugin is imported there, never in the host; the host only learns
 * its description. Faults end that runtime only:
 *
 * - a call still running `hang.graceMs` past its deadline while the runtime misses a
 *   heartbeat (stuck in synchronous code) gets the runtime killed;
 * - a runtime that ends by itself (out of memory, an uncaught exception, `process.exit`, a
 *   malformed frame) fails the calls in flight with `crashed`;
 * - either way it is started again after a backoff; calls made meanwhile wait for it (within
 *   their own deadline), and after `crashes.limit` crashes within `crashes.windowMs` the
 *   runtime gives up and reports the failure until the plugin is reloaded.
 */
export class RemoteRuntime implements PluginRuntime {
  readonly #options: RemoteRuntimeOptions;
  readonly #channel: RuntimeChannel;
  readonly #crashes: CrashHistory;
  #phase: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed' = 'new';
  #instance: Instance | null = null;
  #outage: Outage | null = null;
  #respawnTimer: NodeJS.Timeout | null = null;
  #prepared: PreparedPlugin | null = null;
  #describedAs: string | null = null;
  #restarts = 0;
  #lastFault: string | null = null;
  #failure: Error | null = null;
  readonly #failureListeners: Array<(error: Error) => void> = [];

  constructor(options: RemoteRuntimeOptions) {
    this.#options = options;
    this.#crashes = new CrashHistory(options.crashes.windowMs);
    const capabilities = capabilityHandlers(
      options.pluginName,
      () => this.#prepared?.context ?? null,
      options.capabilityLimits ?? CAPABILITY_LIMITS,
    );
    const output = new TokenBucket(200, 400);
    this.#channel = {
      ...capabilities,
      onOutput: (stream, line) => {
        if (output.take()) {
          options.logger.info('plugin output', { plugin: options.pluginName, stream, line });
        }
      },
    };
  }

  /** The plugin as its runtime described it, checked by the host; set once started. */
  get description(): PluginDescription {
    if (this.#prepared === null) throw new Error('RemoteRuntime.description read before start()');
    return this.#prepared.description;
  }

  get inFlight(): number {
    return this.#instance?.launched.peer.running ?? 0;
  }

  get report(): RuntimeReport {
    return {
      isolation: this.#options.isolation,
      sandbox: this.#options.sandbox,
      restarts: this.#restarts,
      lastFault: this.#lastFault,
    };
  }

  onFailure(listener: (error: Error) => void): void {
    if (this.#failure) listener(this.#failure);
    else this.#failureListeners.push(listener);
  }

  async start(signal?: AbortSignal): Promise<void> {
    if (this.#phase !== 'new') throw new Error('RemoteRuntime.start() called twice');
    this.#phase = 'starting';
    const instance = this.#spawn();
    try {
      await within(this.#boot(instance), this.#options.timeouts.startTimeoutMs, signal, () =>
        this.#timeout(
          'starting (import, create, initialize)',
          this.#options.timeouts.startTimeoutMs,
        ),
      );
    } catch (error) {
      this.#phase = 'stopped';
      await instance.launched.kill();
      throw this.#startFailure(instance, error);
    }
    this.#phase = 'running';
  }

  invoke(tool: string, input: JsonObject, call: CallContext): Promise<unknown> {
    if (this.#phase !== 'running') return Promise.reject(this.#notRunning());
    const instance = this.#instance;
    if (instance?.booted) return this.#invokeOn(instance, tool, input, call);
    const waiting = this.#outage;
    if (waiting === null) return Promise.reject(this.#notRunning());
    let cancelled: unknown = null;
    if (isCancellableCall(call)) call.onCancel((reason) => (cancelled = reason));
    return waiting.promise.then((next) =>
      cancelled === null ? this.#invokeOn(next, tool, input, call) : Promise.reject(cancelled),
    );
  }

  async health(): Promise<HealthStatus> {
    const instance = this.#instance;
    if (this.#phase !== 'running') return { healthy: false };
    if (!instance?.booted) return { healthy: false, details: { restarting: true } };
    try {
      const status = await instance.launched.peer.call('health', []);
      if (!isHealthStatus(status)) return { healthy: false };
      const details = status.details;
      return typeof details === 'object' && details !== null && !Array.isArray(details)
        ? { healthy: status.healthy, details }
        : { healthy: status.healthy };
    } catch {
      return { healthy: false };
    }
  }

  async stop(drainTimeoutMs: number): Promise<void> {
    if (this.#phase === 'stopping' || this.#phase === 'stopped') return;
    this.#phase = 'stopping';
    if (this.#respawnTimer !== null) clearTimeout(this.#respawnTimer);
    this.#outage?.reject(
      new RuntimeFault('crashed', `Plugin '${this.#options.pluginName}' stopped`),
    );
    this.#outage = null;
    const instance = this.#instance;
    let overrun: Error | null = null;
    if (instance !== null) {
      const { peer } = instance.launched;
      if (instance.booted && !peer.closed) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          peer.whenIdle(),
          new Promise<void>((resolve) => (timer = setTimeout(resolve, drainTimeoutMs))),
        ]);
        clearTimeout(timer);
        const { stopTimeoutMs } = this.#options.timeouts;
        try {
          await within(peer.call('stop', []), stopTimeoutMs, undefined, () =>
            this.#timeout('cleanup', stopTimeoutMs),
          );
        } catch (error) {
          if (isHostError(error)) overrun = error;
          else this.#log('warn', 'plugin cleanup failed', { error: messageOf(error) });
        }
      }
      await instance.launched.kill();
    }
    this.#phase = 'stopped';
    this.#log('info', 'plugin runtime stopped', { restarts: this.#restarts });
    if (overrun) throw overrun;
  }

  #spawn(): Instance {
    const launched = this.#options.launch(this.#channel);
    const instance: Instance = {
      launched,
      stage: 'load',
      booted: false,
      watch: null,
      ping: null,
      killedFor: null,
      lost: false,
    };
    this.#instance = instance;
    launched.onExit((report) => this.#exited(instance, report));
    return instance;
  }

  /** Loads the plugin in the runtime, prepares it in the host (first time), starts it there. */
  async #boot(instance: Instance): Promise<void> {
    const { peer } = instance.launched;
    const raw = await peer.call('load', [this.#options.load]);
    instance.stage = 'prepare';
    const describedAs = JSON.stringify(raw);
    if (this.#prepared === null) {
      this.#prepared = this.#options.prepare(raw);
      this.#describedAs = describedAs;
    } else if (describedAs !== this.#describedAs) {
      throw new HostError('TOOLHOST_ERR_PLUGIN_LOAD_FAILED', {
        plugin: this.#options.pluginName,
        details: 'its tools changed on disk since it was loaded; reload it',
      });
    }
    instance.stage = 'start';
    const { config, secrets } = this.#prepared.context;
    await peer.call('start', [{ config, secrets }]);
    instance.booted = true;
  }

  #startFailure(instance: Instance, error: unknown): unknown {
    if (instance.stage === 'prepare' || !(error instanceof Error) || isHostError(error)) {
      return error;
    }
    const plugin = this.#options.pluginName;
    if (instance.stage === 'load' && !isRuntimeFault(error)) {
      // A coded error (the module is no plugin) keeps its code; an import failure is a load failure.
      if ((error as { code?: unknown }).code !== undefined) return error;
      return new HostError('TOOLHOST_ERR_PLUGIN_LOAD_FAILED', { plugin, details: error.message });
    }
    const details = isRuntimeFault(error)
      ? `its ${this.#options.isolation === 'worker' ? 'worker' : 'process'} ended while ${instance.stage === 'load' ? 'loading it' : 'in create/initialize'}: ${error.message}`
      : `create/initialize threw: ${error.message}`;
    return new HostError('TOOLHOST_ERR_PLUGIN_LOAD_FAILED', { plugin, details }, { cause: error });
  }

  #invokeOn(
    instance: Instance,
    tool: string,
    input: JsonObject,
    call: CallContext,
  ): Promise<unknown> {
    this.#watch(instance);
    // The active context is the call's span: the runner puts it on the plugin's ctx.http requests.
    const info = {
      requestId: call.requestId,
      sessionId: call.sessionId,
      attempt: call.attempt,
      ...traceHeaders(),
    };
    const cancellation = isCancellableCall(call) ? call : signalCancellation(call.signal);
    return instance.launched.peer.call('invoke', [tool, input, info], cancellation);
  }

  /** One heartbeat timer per runtime, only while calls are in flight. */
  #watch(instance: Instance): void {
    if (instance.watch !== null) return;
    instance.watch = setInterval(() => this.#tick(instance), this.#options.hang.heartbeatMs);
  }

  #unwatch(instance: Instance): void {
    if (instance.watch !== null) clearInterval(instance.watch);
    instance.watch = null;
    instance.ping = null;
  }

  #tick(instance: Instance): void {
    const { peer } = instance.launched;
    if (peer.closed || peer.running === 0) return this.#unwatch(instance);
    const now = performance.now();
    const { heartbeatMs, graceMs } = this.#options.hang;
    if (instance.ping === null) {
      const sent = { at: now };
      instance.ping = sent;
      peer.ping().then(
        () => {
          if (instance.ping === sent) instance.ping = null;
        },
        () => undefined,
      );
      return;
    }
    if (now - instance.ping.at < heartbeatMs) return;
    if (peer.oldestCallStartedAt() + this.#options.callTimeoutMs + graceMs > now) return;
    this.#unwatch(instance);
    peer.close(
      new RuntimeFault(
        'timeout',
        `Plugin '${this.#options.pluginName}' stopped answering (stuck past the deadline of a call); its ${this.#kind()} is started again`,
      ),
    );
    this.#lost(instance, {
      cause: `it was killed for hanging: a call ran ${graceMs} ms past its deadline while it answered no heartbeat`,
      detail: 'killed by the host',
    });
    void instance.launched.kill();
  }

  #exited(instance: Instance, report: ExitReport): void {
    this.#unwatch(instance);
    if (instance.lost) return;
    this.#lost(instance, instance.killedFor ? { ...report, cause: instance.killedFor } : report);
  }

  /** The runtime is gone (or going): count the crash, then start again or give up. */
  #lost(instance: Instance, { cause, detail }: ExitReport): void {
    instance.lost = true;
    if (this.#instance !== instance || this.#phase !== 'running') return;
    this.#instance = null;
    this.#lastFault = cause;
    const crashes = this.#crashes.record();
    this.#log('error', 'plugin runtime ended', { cause, detail, crashes_in_window: crashes });
    this.#outage ??= outage();
    if (crashes >= this.#options.crashes.limit) {
      this.#giveUp(cause, crashes);
      return;
    }
    const delay = (this.#options.respawnDelayMs ?? respawnDelayMs)(crashes);
    this.#respawnTimer = setTimeout(() => this.#respawn(), delay);
  }

  #respawn(): void {
    this.#respawnTimer = null;
    if (this.#phase !== 'running') return;
    this.#restarts++;
    const instance = this.#spawn();
    const { startTimeoutMs } = this.#options.timeouts;
    within(this.#boot(instance), startTimeoutMs, undefined, () =>
      this.#timeout('starting (import, create, initialize)', startTimeoutMs),
    ).then(
      () => {
        if (this.#instance !== instance || this.#phase !== 'running') return;
        const waiting = this.#outage;
        this.#outage = null;
        waiting?.resolve(instance);
        this.#log('info', 'plugin runtime started again', { restarts: this.#restarts });
      },
      (error: unknown) => {
        if (this.#instance !== instance) return;
        this.#log('warn', 'plugin runtime did not start again', { error: messageOf(error) });
        instance.killedFor ??= 'it did not start again';
        void instance.launched.kill();
      },
    );
  }

  #giveUp(cause: string, crashes: number): void {
    this.#phase = 'failed';
    const { pluginName: plugin, crashes: limits } = this.#options;
    const failure = new HostError('TOOLHOST_ERR_PLUGIN_CRASHED', {
      plugin,
      crashes,
      seconds: Math.round(limits.windowMs / 1000),
      cause,
    });
    this.#failure = failure;
    this.#outage?.reject(new RuntimeFault('crashed', failure.message));
    this.#outage = null;
    this.#log('error', 'plugin failed: too many crashes', { crashes });
    for (const listener of this.#failureListeners.splice(0)) listener(failure);
  }

  #notRunning(): RuntimeFault {
    if (this.#failure) return new RuntimeFault('crashed', this.#failure.message);
    return new RuntimeFault('internal', `Plugin '${this.#options.pluginName}' is not running`);
  }

  #timeout(step: string, ms: number): HostError {
    return new HostError('TOOLHOST_ERR_PLUGIN_TIMEOUT', {
      plugin: this.#options.pluginName,
      step,
      ms,
    });
  }

  #kind(): string {
    return this.#options.isolation === 'worker' ? 'worker' : 'process';
  }

  #log(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>): void {
    this.#options.logger.log({
      level,
      message,
      plugin: this.#options.pluginName,
      isolation: this.#options.isolation,
      ...fields,
    });
  }
}
