import { pathToFileURL } from 'node:url';
import type {
  CallContext,
  JsonObject,
  PluginContext,
  ToolhostPlugin,
  ToolSpec,
} from '@toolhost/plugin-sdk';
import type { Logger, PluginDescription, ToolInstance } from '@toolhost/plugin-sdk/host';
import type { IncomingCall } from '../protocol/IncomingCall.js';
import type { Handler, Peer } from '../protocol/Peer.js';
import { callTrace, proxyContext, proxyLogger, traceOf } from './proxyContext.js';
import type { InvokeInfo, LoadRequest, StartRequest } from './RunnerData.js';

const { parse, stringify } = JSON;
const PLUGIN_BRAND = Symbol.for('toolhost.plugin');
const CODED_BRAND = Symbol.for('toolhost.error');

/** What the runner needs of the SDK it imported for the plugin (its root export). */
export interface RunnerSdk {
  ToolError: new (code: never, message: string) => Error;
}

type Instance = ToolInstance<Record<string, ToolSpec>>;

/** An SDK error by code (rendered by the host from its own catalog, so no message here). */
function invalidPlugin(plugin: string, details: string): Error {
  return Object.assign(new Error(`Plugin '${plugin}' is invalid: ${details}`), {
    name: 'ToolhostError',
    code: 'TOOLHOST_ERR_PLUGIN_INVALID',
    params: { plugin, details },
    [CODED_BRAND]: true,
  });
}

class RunnerCall implements CallContext {
  readonly requestId: string;
  readonly sessionId: string | null;
  readonly attempt: number;
  #logger: Logger | null = null;

  constructor(
    info: InvokeInfo,
    private readonly call: IncomingCall,
    private readonly peer: () => Peer,
    private readonly toolName: string,
  ) {
    this.requestId = String(info.requestId);
    this.sessionId = info.sessionId === null ? null : String(info.sessionId);
    this.attempt = Number(info.attempt);
  }

  get signal(): AbortSignal {
    return this.call.signal;
  }

  get logger(): Logger {
    return (this.#logger ??= proxyLogger(this.peer, {
      request_id: this.requestId,
      session_id: this.sessionId,
      tool_name: this.toolName,
    }));
  }
}

/**
 * The host → plugin methods, inside the runtime: `load` imports the plugin here (never in
 * the host) and describes it as plain data; `start` builds its context from proxies and
 * runs `create` and `initialize`; `invoke`, `health` and `stop` do what their names say.
 */
export function servePlugin(peer: () => Peer, sdk: RunnerSdk): Record<string, Handler> {
  let plugin: ToolhostPlugin | null = null;
  let instance: Instance | null = null;
  const toolError = (message: string) => new sdk.ToolError('internal' as never, message);

  return {
    async load([request]) {
      const { entry, pluginName } = request as LoadRequest;
      let module: { default?: unknown };
      try {
        module = (await import(pathToFileURL(entry).href)) as { default?: unknown };
      } catch (error) {
        throw new Error(`importing ${entry} failed: ${(error as Error).message}`, { cause: error });
      }
      const found = module.default as ToolhostPlugin | undefined;
      if (typeof found !== 'object' || found === null || found[PLUGIN_BRAND as never] !== true) {
        throw invalidPlugin(
          pluginName,
          `the default export of ${entry} is not a definePlugin(...) result`,
        );
      }
      plugin = found;
      let description: PluginDescription;
      try {
        const { name, configSchema, tools } = found;
        description = parse(stringify({ name, configSchema, tools })) as PluginDescription;
      } catch (error) {
        throw invalidPlugin(
          pluginName,
          `its schemas are not JSON data: ${(error as Error).message}`,
        );
      }
      return description;
    },

    async start([request]) {
      if (plugin === null) throw toolError('start before load');
      const { config, secrets } = request as StartRequest;
      const context: PluginContext = proxyContext(peer, plugin.name, config, secrets);
      const created = await plugin.create(context);
      try {
        await created.initialize();
      } catch (error) {
        // Whatever initialize() opened before it failed must not outlive the attempt.
        await created.cleanup().catch(() => undefined);
        throw error;
      }
      instance = created;
      return null;
    },

    invoke([tool, input, info], call) {
      if (plugin === null || instance === null) {
        throw toolError(`Plugin '${plugin?.name ?? '?'}' is not running`);
      }
      const name = String(tool);
      const method = Object.hasOwn(plugin.tools, name) ? instance[name] : undefined;
      if (typeof method !== 'function') {
        throw toolError(`Plugin '${plugin.name}' has no method '${name.slice(0, 64)}'`);
      }
      const runnerCall = new RunnerCall(info as InvokeInfo, call, peer, `${plugin.name}.${name}`);
      return callTrace.run(traceOf(info as InvokeInfo), () =>
        method.call(instance, input as JsonObject, runnerCall),
      );
    },

    health() {
      return instance === null ? { healthy: false } : instance.health();
    },

    async stop() {
      const current = instance;
      instance = null;
      await current?.cleanup();
      return null;
    },
  };
}
