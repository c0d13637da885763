import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  CacheCapability,
  HttpCapability,
  PluginContext,
  SearchCapability,
  StoreCapability,
} from '@toolhost/plugin-sdk';
import type { HttpRequestInit, LogFields, Logger } from '@toolhost/plugin-sdk/host';
import type { Cancellation, Peer } from '../protocol/Peer.js';

/** An AbortSignal of the plugin stays here; its abort cancels the host-side call by message. */
function cancellationOf(signal: AbortSignal): Cancellation {
  return {
    onCancel(listener) {
      const abort = () => listener(signal.reason);
      signal.addEventListener('abort', abort, { once: true });
      return () => signal.removeEventListener('abort', abort);
    },
  };
}

/** The W3C trace headers of the call running here (from its `invoke`), if any. */
export const callTrace = new AsyncLocalStorage<Readonly<Record<string, string>>>();

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The trace headers an `invoke` carried, when they have the W3C form; otherwise none. */
export function traceOf(info: {
  traceparent?: unknown;
  tracestate?: unknown;
}): Record<string, string> {
  if (typeof info.traceparent !== 'string' || !TRACEPARENT.test(info.traceparent)) return {};
  const state = info.tracestate;
  return typeof state === 'string' && state.length <= 512 && /^[\x20-\x7e]*$/.test(state)
    ? { traceparent: info.traceparent, tracestate: state }
    : { traceparent: info.traceparent };
}

/** The plugin's headers, with the call's trace headers unless it set a traceparent itself. */
function withTrace(headers: Readonly<Record<string, string>> | undefined) {
  const trace = callTrace.getStore();
  if (trace === undefined || trace['traceparent'] === undefined) return headers;
  if (headers && Object.keys(headers).some((k) => k.toLowerCase() === 'traceparent'))
    return headers;
  return { ...headers, ...trace };
}

function httpCall(peer: () => Peer, method: string) {
  return (url: string, init: HttpRequestInit = {}): Promise<never> => {
    const { signal, method: verb, body, timeoutMs } = init;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const headers = withTrace(init.headers);
    const plain = { method: verb, headers, body, timeoutMs };
    const cancellation = signal ? cancellationOf(signal) : undefined;
    return peer().call(method, [url, plain], cancellation) as Promise<never>;
  };
}

/** A logger whose lines are notes to the host, which checks and writes them. */
export function proxyLogger(peer: () => Peer, bound: LogFields = {}): Logger {
  const line = (level: string) => (message: string, fields?: LogFields) =>
    peer().notify('log', [level, String(message), { ...fields, ...bound }]);
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * The PluginContext inside a worker or a process: config and secrets as the host resolved
 * them, every capability a call to the host, which checks the manifest's grants and
 * executes it with the same capability objects an inline plugin gets.
 */
export function proxyContext(
  peer: () => Peer,
  pluginName: string,
  config: Record<string, unknown>,
  secrets: Record<string, string>,
): PluginContext {
  const call =
    (method: string) =>
    (...args: unknown[]): Promise<never> =>
      peer().call(method, args) as Promise<never>;
  const http: HttpCapability = {
    fetch: httpCall(peer, 'http.fetch'),
    json: httpCall(peer, 'http.json'),
  };
  const cache: CacheCapability = {
    get: call('cache.get'),
    set: call('cache.set'),
    del: call('cache.del'),
  };
  const store: StoreCapability = {
    get: call('store.get'),
    put: call('store.put'),
    delete: call('store.delete'),
    list: call('store.list'),
  };
  const search: SearchCapability = {
    index: call('search.index'),
    remove: call('search.remove'),
    query: call('search.query'),
    count: call('search.count'),
  };
  return Object.freeze({
    pluginName,
    config: deepFreeze(config),
    secrets: Object.freeze({ ...secrets }),
    logger: proxyLogger(peer),
    http: Object.freeze(http),
    cache: Object.freeze(cache),
    store: Object.freeze(store),
    search: Object.freeze(search),
  });
}
