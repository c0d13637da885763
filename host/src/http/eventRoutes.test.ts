import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EventTickets } from '../auth/EventTickets.js';
import type { PluginChange } from '../plugins/ToolRegistry.js';
import type { ConsoleDeps } from './ConsoleDeps.js';
import { pluginStatus, startTestApp, type TestApp } from './testing/startTestApp.js';

const ADMIN = 'admin-token-for-event-routes-01';

/** A plugin feed the test drives by hand, counting its listeners. */
function feed() {
  const listeners = new Set<(change: PluginChange) => void>();
  return {
    listeners,
    emit: (change: PluginChange) => {
      for (const listener of listeners) listener(change);
    },
    onPluginChange: (listener: (change: PluginChange) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

let app: TestApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

async function start(plugins: ReturnType<typeof feed>, tickets = new EventTickets()) {
  const console: ConsoleDeps = {
    history: { snapshot: () => ({ minuteMs: 60_000, currentMinute: '', tools: [] }) },
    events: { onPluginChange: plugins.onPluginChange, onCircuitChange: () => () => undefined },
    tickets,
    manifests: { view: async () => Promise.reject(new Error('unused')) },
    sessions: { read: async () => null },
  };
  app = await startTestApp({ adminToken: ADMIN, console });
  return app;
}

async function ticketOf(t: TestApp): Promise<string> {
  const response = await t.fetch('/v1/admin/events/tickets', {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { ticket: string }).ticket;
}

describe('GET /v1/admin/events', () => {
  it('unsubscribes when the client goes away', async () => {
    const plugins = feed();
    const t = await start(plugins);
    const abort = new AbortController();
    const response = await t.fetch(`/v1/admin/events?ticket=${await ticketOf(t)}`, {
      signal: abort.signal,
    });
    const reader = response.body!.getReader();
    await reader.read(); // the stream is open and subscribed
    expect(plugins.listeners.size).toBe(1);
    abort.abort();
    await expect.poll(() => plugins.listeners.size).toBe(0);
  });

  it('drops a client that stops reading instead of buffering for it without end', async () => {
    const plugins = feed();
    const t = await start(plugins);
    const ticket = await ticketOf(t);
    const { port } = new URL(t.url);
    const socket = connect({ host: '127.0.0.1', port: Number(port) });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`GET /v1/admin/events?ticket=${ticket} HTTP/1.1\r\nHost: x\r\n\r\n`);
    // Wait for the stream to be subscribed, then never read again.
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.pause();
    expect(plugins.listeners.size).toBe(1);
    const bulky = { ...pluginStatus('crm'), error: 'x'.repeat(16_384) };
    for (let i = 0; i < 2_000 && plugins.listeners.size > 0; i += 1) {
      plugins.emit({ plugin: 'crm', status: bulky });
      // Let the socket flush what the kernel takes, as a real host would between changes.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(plugins.listeners.size).toBe(0);
    socket.destroy();
  });
});
