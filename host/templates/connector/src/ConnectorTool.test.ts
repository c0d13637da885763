import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPluginHarness, type PluginHarness } from '@toolhost/plugin-sdk/testing';
import plugin from './index.js';

const API_KEY = 'test-api-key';
let server: Server;
let baseUrl: string;
let harness: PluginHarness | undefined;

// A stand-in for the service on loopback: replace it with your API's real answers.
beforeAll(async () => {
  server = createServer((req, res) => {
    const id = decodeURIComponent(req.url?.split('/').pop() ?? '');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${API_KEY}`) return send(401, { error: 'no' });
    if (id === 'R-404') return send(404, { error: 'not found' });
    if (id === 'R-500') return send(500, { error: 'down' });
    send(200, { id, name: 'Ada', status: 'active', internalNote: 'never shown' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => harness?.close());

function harnessFor(apiKey = API_KEY): Promise<PluginHarness> {
  return createPluginHarness(plugin, {
    config: { baseUrl, requestTimeoutMs: 1000 },
    secrets: { apiKey },
    // As the manifest grants it: the service's origin, nothing else.
    permissions: { http: [new URL(baseUrl).origin] },
  });
}

describe('__PLUGIN_NAME__.lookup_record', () => {
  it('returns the documented fields of the record only', async () => {
    harness = await harnessFor();
    const result = await harness.call('lookup_record', { id: 'R-1' });
    expect(result).toMatchObject({
      success: true,
      data: { id: 'R-1', name: 'Ada', status: 'active' },
    });
    expect(result.data).not.toHaveProperty('internalNote');
  });

  it('maps 404 to not_found and 5xx to upstream_error', async () => {
    harness = await harnessFor();
    expect(await harness.call('lookup_record', { id: 'R-404' })).toMatchObject({
      errorCode: 'not_found',
    });
    expect(await harness.call('lookup_record', { id: 'R-500' })).toMatchObject({
      errorCode: 'upstream_error',
    });
  });

  it('maps a refused API key to permission_denied', async () => {
    harness = await harnessFor('wrong-key');
    expect(await harness.call('lookup_record', { id: 'R-1' })).toMatchObject({
      errorCode: 'permission_denied',
    });
  });

  it('refuses to start without a baseUrl', async () => {
    await expect(
      createPluginHarness(plugin, { config: {}, secrets: { apiKey: API_KEY } }),
    ).rejects.toThrow('field "baseUrl" is required');
  });
});
