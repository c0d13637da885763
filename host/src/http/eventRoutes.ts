import { PassThrough } from 'node:stream';
import type { Router } from '@koa/router';
import type { Middleware } from 'koa';
import type { EventTickets } from '../auth/EventTickets.js';
import type { ConsoleEventSource } from './ConsoleDeps.js';
import type { HttpState } from './HttpState.js';
import { HttpProblem } from './problem.js';
import { principalOf } from './requireScope.js';

/** A comment line this often keeps proxies and the browser from timing the stream out. */
const HEARTBEAT_MS = 15_000;
/** A client that reads nothing while this much waits is dropped, not buffered for without end. */
const MAX_BUFFERED_BYTES = 1 << 20;

/**
 * `POST /v1/admin/events/tickets` (scope `admin`; 201 with a single-use ticket valid for
 * seconds) and `GET /v1/admin/events?ticket=…`: a server-sent event stream of `plugin` (a
 * PluginChange), `circuit` (a CircuitChange) and `install` (an InstallProgressEvent) events. The
 * key never goes in a URL: EventSource cannot send headers, so the stream takes a ticket.
 * A client that stops reading is dropped once 1 MiB waits for it.
 */
export function eventRoutes(
  router: Router<HttpState>,
  events: ConsoleEventSource,
  tickets: EventTickets,
  auth: Middleware<HttpState>,
  closing?: AbortSignal,
): void {
  router.post('/v1/admin/events/tickets', auth, (ctx) => {
    ctx.status = 201;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = tickets.issue(principalOf(ctx).name);
  });
  router.get('/v1/admin/events', (ctx) => {
    const ticket = ctx.query['ticket'];
    const owner = typeof ticket === 'string' ? tickets.redeem(ticket) : null;
    if (owner === null) {
      throw new HttpProblem(
        'TOOLHOST_HTTP_UNAUTHORIZED',
        'the event ticket is missing, used or expired (POST /v1/admin/events/tickets for a new one)',
        { headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } },
      );
    }
    if (closing?.aborted) {
      throw new HttpProblem('TOOLHOST_HTTP_UNAVAILABLE', 'the host is stopping');
    }
    const stream = new PassThrough();
    const send = (event: string, data: unknown) => {
      if (stream.writableLength > MAX_BUFFERED_BYTES) {
        stream.destroy();
        return;
      }
      // JSON.stringify escapes line breaks, so the data is one `data:` line.
      stream.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const unsubscribe = [
      events.onPluginChange((change) => send('plugin', change)),
      events.onCircuitChange((change) => send('circuit', change)),
      events.onInstallProgress?.((event) => send('install', event)) ?? (() => undefined),
    ];
    const heartbeat = setInterval(() => stream.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const end = () => stream.end();
    closing?.addEventListener('abort', end, { once: true });
    let ended = false;
    const cleanup = () => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      for (const stop of unsubscribe) stop();
      closing?.removeEventListener('abort', end);
      stream.end();
    };
    ctx.req.on('close', cleanup);
    stream.on('close', cleanup);
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    ctx.status = 200;
    ctx.set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
    });
    ctx.body = stream;
    stream.write('retry: 2000\n');
    send('ready', { owner });
  });
}
