import { ToolError, type PluginContext } from '@toolhost/plugin-sdk';
import type { HttpRequestInit, LogFields } from '@toolhost/plugin-sdk/host';
import type { Handler, NoteHandler } from './protocol/Peer.js';
import { TokenBucket } from './TokenBucket.js';

/** What a plugin in a worker or a process may ask of the host (DESIGN section 7). */
export interface CapabilityLimits {
  /** Capability calls running at once; more answer `bulkhead_full`. */
  concurrency: number;
  /** Capability calls a second (with the same burst); more answer `bulkhead_full`. */
  callsPerSecond: number;
  /** Log lines a second (with twice that burst); more are dropped and counted. */
  logLinesPerSecond: number;
  /** Longest log message kept, in characters; a longer one is cut. */
  logMessageChars: number;
}

export const CAPABILITY_LIMITS: CapabilityLimits = Object.freeze({
  concurrency: 64,
  callsPerSecond: 5_000,
  logLinesPerSecond: 200,
  logMessageChars: 8_192,
});

const LOG_LEVELS = new Set(['debug', 'info', 'warn', 'error']);
const MAX_FIELDS = 32;
const MAX_FIELD_CHARS = 1_024;
const MAX_HEADERS = 100;

function invalid(what: string): ToolError {
  return new ToolError('invalid_input', `ctx.${what}`);
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw invalid(`${what} must be a string`);
  return value;
}

function optional<T>(value: unknown, check: (v: unknown) => T): T | undefined {
  return value === undefined || value === null ? undefined : check(value);
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`${what} must be an object`);
  }
  return value as Record<string, unknown>;
}

/** Only the request fields the SDK documents cross; the signal is the call's own. */
function requestInit(value: unknown, signal: AbortSignal): HttpRequestInit {
  const init = optional(value, (v) => record(v, 'http init')) ?? {};
  const headers = optional(init['headers'], (v) => record(v, 'http headers'));
  const plain: HttpRequestInit = { signal };
  const method = optional(init['method'], (v) => text(v, 'http method'));
  if (method !== undefined) plain.method = method;
  const body = optional(init['body'], (v) => text(v, 'http body'));
  if (body !== undefined) plain.body = body;
  const timeoutMs = optional(init['timeoutMs'], (v) => {
    if (typeof v !== 'number' || !(v > 0))
      throw invalid('http timeoutMs must be a positive number');
    return v;
  });
  if (timeoutMs !== undefined) plain.timeoutMs = timeoutMs;
  if (headers !== undefined) {
    const entries = Object.entries(headers);
    if (entries.length > MAX_HEADERS) throw invalid(`http takes at most ${MAX_HEADERS} headers`);
    plain.headers = Object.fromEntries(entries.map(([k, v]) => [k, text(v, `http header ${k}`)]));
  }
  return plain;
}

function logFields(value: unknown): LogFields {
  const fields: LogFields = {};
  if (typeof value !== 'object' || value === null) return fields;
  for (const [key, field] of Object.entries(value).slice(0, MAX_FIELDS)) {
    if (typeof field === 'string') fields[key] = field.slice(0, MAX_FIELD_CHARS);
    else if (typeof field === 'number' || typeof field === 'boolean' || field === null) {
      fields[key] = field;
    }
  }
  return fields;
}

export interface CapabilityHandlers {
  handlers: Record<string, Handler>;
  notes: Record<string, NoteHandler>;
}

/**
 * The host side of a remote plugin's capability calls. Each is executed with the plugin's own
 * PluginContext (the one an inline plugin would get: origin grants, namespaced cache and
 * store, its logger), after its arguments are checked as the untrusted data they are, and
 * within the limits above.
 */
export function capabilityHandlers(
  pluginName: string,
  context: () => PluginContext | null,
  limits: CapabilityLimits = CAPABILITY_LIMITS,
  now?: () => number,
): CapabilityHandlers {
  const calls = new TokenBucket(limits.callsPerSecond, limits.callsPerSecond, now);
  const lines = new TokenBucket(limits.logLinesPerSecond, limits.logLinesPerSecond * 2, now);
  let running = 0;
  let dropped = 0;

  const gated =
    (
      run: (ctx: PluginContext, args: readonly unknown[], signal: () => AbortSignal) => unknown,
    ): Handler =>
    async (args, call) => {
      const ctx = context();
      if (ctx === null) throw new ToolError('internal', `Plugin '${pluginName}' is not started`);
      if (running >= limits.concurrency) {
        throw new ToolError(
          'bulkhead_full',
          `Plugin '${pluginName}' has ${limits.concurrency} capability calls running already`,
        );
      }
      if (!calls.take()) {
        throw new ToolError(
          'bulkhead_full',
          `Plugin '${pluginName}' makes more than ${limits.callsPerSecond} capability calls a second`,
        );
      }
      running++;
      try {
        return await run(ctx, args, () => call.signal);
      } finally {
        running--;
      }
    };

  return {
    handlers: {
      'http.fetch': gated((ctx, [url, init], signal) =>
        ctx.http.fetch(text(url, 'http url'), requestInit(init, signal())),
      ),
      'http.json': gated((ctx, [url, init], signal) =>
        ctx.http.json(text(url, 'http url'), requestInit(init, signal())),
      ),
      'cache.get': gated((ctx, [key]) => ctx.cache.get(text(key, 'cache key'))),
      'cache.set': gated((ctx, [key, value, ttl]) =>
        ctx.cache.set(
          text(key, 'cache key'),
          value,
          optional(ttl, (v) => {
            if (typeof v !== 'number') throw invalid('cache ttlSeconds must be a number');
            return v;
          }),
        ),
      ),
      'cache.del': gated((ctx, [key]) => ctx.cache.del(text(key, 'cache key'))),
      'store.get': gated((ctx, [key]) => ctx.store.get(text(key, 'store key'))),
      'store.put': gated((ctx, [key, value]) =>
        ctx.store.put(text(key, 'store key'), record(value, 'store value')),
      ),
      'store.delete': gated((ctx, [key]) => ctx.store.delete(text(key, 'store key'))),
      'store.list': gated((ctx, [prefix, options]) => {
        const limit = optional(options, (v) => record(v, 'store list options'))?.['limit'];
        return ctx.store.list(
          optional(prefix, (v) => text(v, 'store prefix')),
          limit === undefined || limit === null ? {} : { limit: limit as number },
        );
      }),
      // The search capability checks its own arguments as untrusted data (checkSearchInput).
      'search.index': gated((ctx, [documents]) => ctx.search.index(documents as never)),
      'search.remove': gated((ctx, [ids]) => ctx.search.remove(ids as never)),
      'search.query': gated((ctx, [text, options]) =>
        ctx.search.query(text as never, options as never),
      ),
      'search.count': gated((ctx) => ctx.search.count()),
    },
    notes: {
      log([level, message, fields]) {
        const ctx = context();
        if (ctx === null || typeof level !== 'string' || !LOG_LEVELS.has(level)) return;
        if (!lines.take()) {
          if (dropped++ === 0) {
            ctx.logger.warn('plugin log lines dropped', {
              limit_per_second: limits.logLinesPerSecond,
            });
          }
          return;
        }
        if (dropped > 0) {
          ctx.logger.warn('plugin log lines were dropped', { dropped });
          dropped = 0;
        }
        const line = String(message).slice(0, limits.logMessageChars);
        ctx.logger[level as 'info'](line, logFields(fields));
      },
    },
  };
}
