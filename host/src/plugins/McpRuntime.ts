import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  ErrorCode,
  McpError,
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import {
  ToolError,
  type CallContext,
  type HealthStatus,
  type JsonObject,
} from '@toolhost/plugin-sdk';
import type { PluginDescription } from '@toolhost/plugin-sdk/host';
import type winston from 'winston';
import { HostError, isHostError } from '../errors.js';
import { RuntimeFault } from '../invocation/RuntimeFault.js';
import { CrashHistory, respawnDelayMs } from './CrashHistory.js';
import { describeMcpTools, type McpToolMap } from './describeMcpTools.js';
import { fromCallToolResult } from './fromCallToolResult.js';
import type { LifecycleTimeouts, PluginRuntime, RuntimeReport } from './PluginRuntime.js';
import { within } from './within.js';

/** One connection to the MCP server: a connected SDK client. */
export interface McpConnection {
  readonly client: Client;
  /** Resolves with why, when the connection ends by itself (the server process exited). */
  readonly ended: Promise<string>;
  /** Ends it on purpose (for a stdio server: stdin closed, SIGTERM, then SIGKILL). */
  close(): Promise<void>;
}

export interface McpRuntimeOptions {
  pluginName: string;
  /** How the server is reached: a supervised child (`stdio`) or a URL (`http`). */
  kind: 'stdio' | 'http';
  /** Opens a new connection (starting the child, for stdio); rejects with a coded error. */
  connect(): Promise<McpConnection>;
  /** The manifest's call timeout: the SDK's own request timeout is set past it. */
  callTimeoutMs: number;
  timeouts: LifecycleTimeouts;
  crashes: { limit: number; windowMs: number };
  logger: winston.Logger;
  respawnDelayMs?: (crashesInARow: number) => number;
}

interface Outage {
  promise: Promise<McpConnection>;
  resolve(connection: McpConnection): void;
  reject(reason: Error): void;
}

function outage(): Outage {
  let resolve!: (connection: McpConnection) => void;
  let reject!: (reason: Error) => void;
  const promise = new Promise<McpConnection>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function listAllTools(client: Client): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const answer = await client.listTools(cursor === undefined ? {} : { cursor });
    tools.push(...answer.tools);
    cursor = answer.nextCursor;
    if (cursor === undefined) break;
  }
  return tools;
}

function waitFor(promise: Promise<McpConnection>, signal: AbortSignal): Promise<McpConnection> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * An outside MCP server served as a plugin (DESIGN section 10a): its tools are listed at
 * start and again on every `notifications/tools/list_changed`; each call is a `tools/call`.
 * A stdio server is supervised like a `process` plugin: when its process ends, calls in
 * flight fail `crashed`, it is started again after a backoff (calls made meanwhile wait,
 * within their deadline), and after `crashes.limit` crashes within `crashes.windowMs` the
 * plugin is failed until reloaded.
 */
export class McpRuntime implements PluginRuntime {
  readonly #options: McpRuntimeOptions;
  readonly #crashes: CrashHistory;
  #phase: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed' = 'new';
  #connection: McpConnection | null = null;
  #outage: Outage | null = null;
  #respawnTimer: NodeJS.Timeout | null = null;
  #tools: McpToolMap | null = null;
  #inFlight = 0;
  #idle: Array<() => void> = [];
  #restarts = 0;
  #lastFault: string | null = null;
  #failure: Error | null = null;
  readonly #failureListeners: Array<(error: Error) => void> = [];
  readonly #toolsListeners: Array<() => void> = [];

  constructor(options: McpRuntimeOptions) {
    this.#options = options;
    this.#crashes = new CrashHistory(options.crashes.windowMs);
  }

  /** The server's tools as this plugin's, as last listed. */
  get description(): PluginDescription {
    if (this.#tools === null) throw new Error('McpRuntime.description read before start()');
    return this.#tools.description;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get report(): RuntimeReport {
    return {
      isolation: 'process',
      sandbox: this.#options.kind === 'stdio' ? 'mcp-stdio' : 'mcp-http',
      restarts: this.#restarts,
      lastFault: this.#lastFault,
    };
  }

  onFailure(listener: (error: Error) => void): void {
    if (this.#failure) listener(this.#failure);
    else this.#failureListeners.push(listener);
  }

  onToolsChanged(listener: () => void): void {
    this.#toolsListeners.push(listener);
  }

  async start(signal?: AbortSignal): Promise<void> {
    if (this.#phase !== 'new') throw new Error('McpRuntime.start() called twice');
    this.#phase = 'starting';
    const { startTimeoutMs } = this.#options.timeouts;
    const opening = this.#open();
    try {
      this.#connection = await within(opening, startTimeoutMs, signal, () =>
        this.#timeout('connecting to its MCP server and listing its tools', startTimeoutMs),
      );
    } catch (error) {
      this.#phase = 'stopped';
      opening.then(
        (late) => late.close(),
        () => undefined,
      );
      if (isHostError(error) || signal?.aborted) throw error;
      throw new HostError(
        'TOOLHOST_ERR_MCP_CONNECT_FAILED',
        { plugin: this.#options.pluginName, details: messageOf(error) },
        { cause: error },
      );
    }
    if (Object.keys(this.description.tools).length === 0) {
      this.#phase = 'stopped';
      await this.#connection.close();
      throw new HostError('TOOLHOST_ERR_MCP_CONNECT_FAILED', {
        plugin: this.#options.pluginName,
        details: `its server lists no tool the host can serve${this.#skippedNote()}`,
      });
    }
    this.#phase = 'running';
  }

  async invoke(tool: string, input: JsonObject, call: CallContext): Promise<unknown> {
    if (this.#phase !== 'running') throw this.#notRunning();
    const name = this.#tools?.upstream.get(tool) ?? tool;
    const connection =
      this.#connection ?? (this.#outage ? await waitFor(this.#outage.promise, call.signal) : null);
    if (connection === null) throw this.#notRunning();
    this.#inFlight++;
    try {
      const result = await connection.client.callTool({ name, arguments: input }, undefined, {
        signal: call.signal,
        timeout: this.#options.callTimeoutMs + 5_000,
      });
      return fromCallToolResult(result as CallToolResult);
    } catch (error) {
      throw this.#callFailure(connection, call, error);
    } finally {
      this.#inFlight--;
      if (this.#inFlight === 0) for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  async health(): Promise<HealthStatus> {
    const connection = this.#connection;
    if (this.#phase !== 'running') return { healthy: false };
    if (connection === null) return { healthy: false, details: { restarting: true } };
    try {
      await connection.client.ping({ timeout: 1_000 });
      return { healthy: true };
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
    if (this.#inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.#idle.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, drainTimeoutMs))),
      ]);
      clearTimeout(timer);
    }
    const connection = this.#connection;
    this.#connection = null;
    if (connection !== null) {
      const { stopTimeoutMs } = this.#options.timeouts;
      await within(connection.close(), stopTimeoutMs, undefined, () =>
        this.#timeout('stopping its MCP server', stopTimeoutMs),
      ).catch((error: unknown) =>
        this.#log('warn', 'mcp server did not stop in time', { error: messageOf(error) }),
      );
    }
    this.#phase = 'stopped';
    this.#log('info', 'plugin runtime stopped', { restarts: this.#restarts });
  }

  /** Connects, lists the tools (the first time, or again after a restart) and follows list_changed. */
  async #open(): Promise<McpConnection> {
    const connection = await this.#options.connect();
    try {
      await this.#list(connection);
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
    // A flood of notifications costs one listing at a time, and one more after it.
    let listing: Promise<void> | null = null;
    let again = false;
    const relist = (): void => {
      if (connection !== this.#connection) return;
      if (listing !== null) {
        again = true;
        return;
      }
      listing = this.#list(connection)
        .catch((error: unknown) =>
          this.#log('warn', 'mcp tools could not be listed again', { error: messageOf(error) }),
        )
        .finally(() => {
          listing = null;
          if (again) {
            again = false;
            relist();
          }
        });
    };
    connection.client.setNotificationHandler(ToolListChangedNotificationSchema, relist);
    void connection.ended.then((cause) => this.#lost(connection, cause));
    return connection;
  }

  async #list(connection: McpConnection): Promise<void> {
    const listed = describeMcpTools(
      this.#options.pluginName,
      await listAllTools(connection.client),
    );
    for (const skipped of listed.skipped) this.#log('warn', 'mcp tool not served', { skipped });
    const before = this.#tools;
    this.#tools = listed;
    if (
      before !== null &&
      JSON.stringify(before.description) !== JSON.stringify(listed.description)
    ) {
      this.#log('info', 'mcp tools changed', {
        tools: Object.keys(listed.description.tools).length,
      });
      for (const listener of this.#toolsListeners) listener();
    }
  }

  #callFailure(connection: McpConnection, call: CallContext, error: unknown): unknown {
    if (call.signal.aborted) return call.signal.reason ?? error;
    if (
      connection !== this.#connection ||
      (error instanceof McpError && error.code === ErrorCode.ConnectionClosed)
    ) {
      return new RuntimeFault(
        'crashed',
        `The MCP server of plugin '${this.#options.pluginName}' went away during the call; it is started again`,
      );
    }
    if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
      return new RuntimeFault(
        'timeout',
        `The MCP server of plugin '${this.#options.pluginName}' did not answer`,
      );
    }
    return new ToolError('upstream_error', `The MCP server refused the call: ${messageOf(error)}`);
  }

  /** The connection ended by itself: count the crash, then connect again or give up. */
  #lost(connection: McpConnection, cause: string): void {
    if (this.#connection !== connection || this.#phase !== 'running') return;
    this.#connection = null;
    this.#crashed(cause);
  }

  #crashed(cause: string): void {
    this.#lastFault = cause;
    const crashes = this.#crashes.record();
    this.#log('error', 'plugin runtime ended', { cause, crashes_in_window: crashes });
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
    const { startTimeoutMs } = this.#options.timeouts;
    const opening = this.#open();
    within(opening, startTimeoutMs, undefined, () =>
      this.#timeout('connecting to its MCP server again', startTimeoutMs),
    ).then(
      (connection) => {
        if (this.#phase !== 'running') {
          void connection.close();
          return;
        }
        this.#connection = connection;
        const waiting = this.#outage;
        this.#outage = null;
        waiting?.resolve(connection);
        this.#log('info', 'plugin runtime started again', { restarts: this.#restarts });
      },
      (error: unknown) => {
        opening.then(
          (late) => late.close(),
          () => undefined,
        );
        if (this.#phase !== 'running') return;
        this.#log('warn', 'plugin runtime did not start again', { error: messageOf(error) });
        this.#crashed('it did not start again');
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

  #skippedNote(): string {
    const skipped = this.#tools?.skipped ?? [];
    return skipped.length === 0 ? '' : ` (left out: ${skipped.join('; ')})`;
  }

  #timeout(step: string, ms: number): HostError {
    return new HostError('TOOLHOST_ERR_PLUGIN_TIMEOUT', {
      plugin: this.#options.pluginName,
      step,
      ms,
    });
  }

  #log(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>): void {
    this.#options.logger.log({
      level,
      message,
      plugin: this.#options.pluginName,
      isolation: `mcp-${this.#options.kind}`,
      ...fields,
    });
  }
}
