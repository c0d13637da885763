import { traceHeaders } from './traceContext.js';

function hasHeader(headers: Headers, name: string): boolean {
  return headers.has(name);
}

/**
 * `fetch` that sends the active span's `traceparent` / `tracestate` (W3C), so a plugin's
 * `ctx.http` calls continue the message's trace. A `traceparent` the plugin set itself wins.
 */
export function tracedFetch(inner: typeof globalThis.fetch): typeof globalThis.fetch {
  return (input, init) => {
    const extra = traceHeaders();
    if (extra['traceparent'] === undefined) return inner(input, init);
    const headers = new Headers(init?.headers);
    if (!hasHeader(headers, 'traceparent')) {
      for (const [name, value] of Object.entries(extra)) headers.set(name, value);
    }
    return inner(input, { ...init, headers });
  };
}
