import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore, createPluginHarness } from '@toolhost/plugin-sdk/testing';
import plugin from './index.js';

/** What the plugin's manifest grants it (manifests/escalation.json). */
const permissions = { store: true };

interface Received {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

interface Webhook {
  origin: string;
  url: string;
  received: Received[];
}

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  }
});

/** A real webhook receiver on loopback answering the given statuses in turn (200 after them). */
async function startWebhook(statuses: number[] = []): Promise<Webhook> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
      });
      response.statusCode = statuses.shift() ?? 200;
      response.end('{}');
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, url: `${origin}/hooks/tickets`, received };
}

const expectedId = (requestId: string) =>
  `TCK-${createHash('sha256').update(requestId).digest('hex').slice(0, 10).toUpperCase()}`;

const ticketInput = {
  reason: 'Customer asks for a human',
  priority: 'high',
  summary: 'Refund dispute',
};

describe('escalation', () => {
  it('opens a ticket whose id derives from the request id', async () => {
    const store = createMemoryStore();
    const harness = await createPluginHarness(plugin, { permissions, store });
    const result = await harness.call('create_ticket', ticketInput, {
      requestId: 'req-1',
      sessionId: 'sess-1',
    });
    expect(result).toEqual({
      success: true,
      data: { ticketId: expectedId('req-1'), status: 'open', priority: 'high', created: true },
      metadata: { source: 'escalation', webhook: 'skipped' },
      error: null,
    });
    const stored = await store.get(`ticket:${expectedId('req-1')}`);
    expect(stored).toEqual({
      ticketId: expectedId('req-1'),
      requestId: 'req-1',
      idempotencyKey: 'req-1',
      sessionId: 'sess-1',
      reason: 'Customer asks for a human',
      priority: 'high',
      summary: 'Refund dispute',
      customerId: null,
      status: 'open',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      webhookDelivered: false,
    });
  });

  it('defaults the priority to normal', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    const result = await harness.call('create_ticket', { reason: 'help' }, { requestId: 'r' });
    expect(result.data).toMatchObject({ priority: 'normal', created: true });
  });

  it('answers a retry of the same request with the same ticket and never opens a second', async () => {
    const store = createMemoryStore();
    const harness = await createPluginHarness(plugin, { permissions, store });
    const first = await harness.call('create_ticket', ticketInput, { requestId: 'req-1' });
    const retry = await harness.call(
      'create_ticket',
      { reason: 'changed on retry', priority: 'low' },
      { requestId: 'req-1', attempt: 2 },
    );
    expect(retry.data).toEqual({ ...first.data, created: false });
    expect(await store.list('ticket:')).toHaveLength(1);
    const ticket = await harness.call('get_ticket', { ticketId: expectedId('req-1') });
    expect(ticket.data).toMatchObject({ reason: 'Customer asks for a human', priority: 'high' });
  });

  it('opens one ticket when two calls of the same request overlap', async () => {
    const store = createMemoryStore();
    const harness = await createPluginHarness(plugin, { permissions, store });
    const results = await Promise.all([
      harness.call('create_ticket', ticketInput, { requestId: 'req-1' }),
      harness.call('create_ticket', ticketInput, { requestId: 'req-1', attempt: 2 }),
    ]);
    expect(results.map((r) => r.data['created'])).toEqual([true, false]);
    expect(await store.list('ticket:')).toHaveLength(1);
  });

  it('opens distinct tickets for distinct requests', async () => {
    const store = createMemoryStore();
    const harness = await createPluginHarness(plugin, { permissions, store });
    const a = await harness.call('create_ticket', ticketInput, { requestId: 'req-a' });
    const b = await harness.call('create_ticket', ticketInput, { requestId: 'req-b' });
    expect(a.data['ticketId']).not.toBe(b.data['ticketId']);
    expect(b.data['created']).toBe(true);
    expect(await store.list('ticket:')).toHaveLength(2);
  });

  it('gives a request a longer id when its short id belongs to another request', async () => {
    const store = createMemoryStore();
    const taken = expectedId('req-1');
    await store.put(`ticket:${taken}`, { note: 'some other record' });
    const harness = await createPluginHarness(plugin, { permissions, store });
    const result = await harness.call('create_ticket', ticketInput, { requestId: 'req-1' });
    expect(result.data['ticketId']).toMatch(/^TCK-[0-9A-F]{16}$/);
    expect(String(result.data['ticketId']).startsWith(taken)).toBe(true);
    await expect(store.get(`ticket:${taken}`)).resolves.toEqual({ note: 'some other record' });
  });

  it('gets a ticket by id, in any letter case, and answers not_found for an unknown one', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    await harness.call('create_ticket', ticketInput, { requestId: 'req-1', sessionId: 's' });
    const found = await harness.call('get_ticket', { ticketId: expectedId('req-1').toLowerCase() });
    expect(found).toMatchObject({
      success: true,
      data: { ticketId: expectedId('req-1'), requestId: 'req-1', sessionId: 's', status: 'open' },
    });
    await expect(harness.call('get_ticket', { ticketId: 'TCK-0000000000' })).resolves.toEqual({
      success: false,
      data: {},
      metadata: {},
      error: 'ticket TCK-0000000000 not found',
      errorCode: 'not_found',
    });
  });

  it('refuses an empty reason, an unknown priority and an oversized summary', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    for (const input of [
      { reason: '' },
      { reason: 'x', priority: 'critical' },
      { reason: 'x', summary: 'x'.repeat(2001) },
    ]) {
      await expect(harness.call('create_ticket', input)).resolves.toMatchObject({
        success: false,
        errorCode: 'invalid_input',
      });
    }
  });

  it('refuses a webhookUrl that is not http(s)', async () => {
    await expect(
      createPluginHarness(plugin, {
        permissions,
        config: { webhookUrl: 'ftp://example.test/hook' },
      }),
    ).rejects.toThrow('field "webhookUrl" must match pattern "^https?://"');
  });

  describe('webhook', () => {
    it('posts the ticket to the webhook once', async () => {
      const webhook = await startWebhook();
      const harness = await createPluginHarness(plugin, {
        config: { webhookUrl: webhook.url },
        permissions: { ...permissions, http: [webhook.origin] },
      });
      const result = await harness.call('create_ticket', ticketInput, {
        requestId: 'req-1',
        sessionId: 'sess-1',
      });
      expect(result).toMatchObject({
        success: true,
        data: { created: true },
        metadata: { source: 'escalation', webhook: 'delivered' },
      });
      expect(webhook.received).toHaveLength(1);
      const [request] = webhook.received;
      expect(request).toMatchObject({
        method: 'POST',
        path: '/hooks/tickets',
        headers: { 'content-type': 'application/json', 'idempotency-key': expectedId('req-1') },
        body: {
          ticketId: expectedId('req-1'),
          requestId: 'req-1',
          sessionId: 'sess-1',
          reason: 'Customer asks for a human',
          priority: 'high',
          summary: 'Refund dispute',
          customerId: null,
          status: 'open',
        },
      });
      const ticket = await harness.call('get_ticket', { ticketId: expectedId('req-1') });
      expect(ticket.data['webhookDelivered']).toBe(true);

      const again = await harness.call('create_ticket', ticketInput, { requestId: 'req-1' });
      expect(again).toMatchObject({ data: { created: false }, metadata: { webhook: 'delivered' } });
      expect(webhook.received).toHaveLength(1);
    });

    it('fails with upstream_error on a 500 but keeps the ticket, and a retry delivers it', async () => {
      const webhook = await startWebhook([500]);
      const store = createMemoryStore();
      const harness = await createPluginHarness(plugin, {
        store,
        config: { webhookUrl: webhook.url },
        permissions: { ...permissions, http: [webhook.origin] },
      });
      const first = await harness.call('create_ticket', ticketInput, { requestId: 'req-1' });
      expect(first).toMatchObject({ success: false, errorCode: 'upstream_error' });
      expect(first.error).toContain('answered 500');
      const stored = await harness.call('get_ticket', { ticketId: expectedId('req-1') });
      expect(stored.data).toMatchObject({ status: 'open', webhookDelivered: false });

      const retry = await harness.call('create_ticket', ticketInput, {
        requestId: 'req-1',
        attempt: 2,
      });
      expect(retry).toMatchObject({
        success: true,
        data: { ticketId: expectedId('req-1'), created: false },
        metadata: { webhook: 'delivered' },
      });
      expect(webhook.received.map((r) => (r.body as { ticketId: string }).ticketId)).toEqual([
        expectedId('req-1'),
        expectedId('req-1'),
      ]);
      expect(await store.list('ticket:')).toHaveLength(1);
      expect((await store.get(`ticket:${expectedId('req-1')}`))?.['webhookDelivered']).toBe(true);
    });

    it('fails with upstream_error when nothing listens, keeping the ticket', async () => {
      const webhook = await startWebhook();
      const closed = servers.pop() as Server;
      closed.close();
      await once(closed, 'close');
      const harness = await createPluginHarness(plugin, {
        config: { webhookUrl: webhook.url },
        permissions: { ...permissions, http: [webhook.origin] },
      });
      const result = await harness.call('create_ticket', ticketInput, { requestId: 'req-1' });
      expect(result).toMatchObject({ success: false, errorCode: 'upstream_error' });
      const ticket = await harness.call('get_ticket', { ticketId: expectedId('req-1') });
      expect(ticket.data['webhookDelivered']).toBe(false);
    });

    it('fails with permission_denied when the manifest does not grant the webhook origin', async () => {
      const webhook = await startWebhook();
      const harness = await createPluginHarness(plugin, {
        permissions,
        config: { webhookUrl: webhook.url },
      });
      const result = await harness.call('create_ticket', ticketInput, { requestId: 'req-1' });
      expect(result).toMatchObject({ success: false, errorCode: 'permission_denied' });
      expect(result.error).toContain(`is not granted http access to ${webhook.origin}`);
      expect(webhook.received).toEqual([]);
      const ticket = await harness.call('get_ticket', { ticketId: expectedId('req-1') });
      expect(ticket.success).toBe(true);
    });

    it('never logs the reason, the summary or the webhook url', async () => {
      const webhook = await startWebhook([503]);
      const harness = await createPluginHarness(plugin, {
        config: { webhookUrl: `${webhook.url}?token=s3cret` },
        permissions: { ...permissions, http: [webhook.origin] },
      });
      await harness.call('create_ticket', ticketInput, { requestId: 'req-1' });
      const logged = JSON.stringify(harness.logs);
      expect(logged).toContain(expectedId('req-1'));
      for (const secret of ['Customer asks', 'Refund dispute', 's3cret', '/hooks/tickets']) {
        expect(logged).not.toContain(secret);
      }
    });
  });
});

describe('create_ticket with a dedupeKey', () => {
  it('answers one ticket for concurrent requests that share the key', async () => {
    const harness = await createPluginHarness(plugin, { permissions });
    const results = await Promise.all(
      ['r-1', 'r-2', 'r-3'].map((requestId) =>
        harness.call(
          'create_ticket',
          { reason: 'wants a person', dedupeKey: 'session:s-9' },
          { requestId },
        ),
      ),
    );
    const ids = new Set(results.map((r) => r.data['ticketId']));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.data['created'] === true)).toHaveLength(1);
    const other = await harness.call(
      'create_ticket',
      { reason: 'x', dedupeKey: 'session:s-10' },
      { requestId: 'r-1' },
    );
    expect(ids.has(other.data['ticketId'])).toBe(false);
  });
});
