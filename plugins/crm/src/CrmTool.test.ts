import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPluginHarness, type PluginHarness } from '@toolhost/plugin-sdk/testing';
import { startCrmServer, type CrmServer } from '../../../test/support/crmServer.js';
import plugin from './index.js';

let crm: CrmServer;
let harness: PluginHarness;

beforeAll(async () => {
  crm = await startCrmServer();
});
afterAll(() => crm.close());

async function harnessFor(apiKey = crm.apiKey, baseUrl = crm.url): Promise<PluginHarness> {
  return createPluginHarness(plugin, {
    config: { baseUrl, requestTimeoutMs: 1000 },
    secrets: { apiKey },
    // As manifests/crm.json grants it: the CRM's origin, nothing else.
    permissions: { http: [new URL(baseUrl).origin] },
  });
}

afterEach(async () => {
  await harness?.close();
});

describe('crm.lookup_customer', () => {
  it('returns the profile and account status, with source and fetchedAt metadata', async () => {
    harness = await harnessFor();
    const result = await harness.call('lookup_customer', { customerId: 'C-1001' });
    expect(result.success).toBe(true);
    expect(result.data).toEqual({
      id: 'C-1001',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      plan: 'pro',
      accountStatus: 'active',
      openOrders: [{ id: 'O-5001', status: 'shipped', total: 129.5 }],
    });
    expect(result.metadata['source']).toBe('crm');
    expect(Date.parse(String(result.metadata['fetchedAt']))).not.toBeNaN();
  });

  it('maps 404 to not_found', async () => {
    harness = await harnessFor();
    await expect(harness.call('lookup_customer', { customerId: 'C-404' })).resolves.toMatchObject({
      success: false,
      errorCode: 'not_found',
      error: 'customer C-404 not found',
    });
  });

  it('maps 5xx to upstream_error', async () => {
    harness = await harnessFor();
    crm.failNext(1, 500);
    await expect(harness.call('lookup_customer', { customerId: 'C-1001' })).resolves.toMatchObject({
      errorCode: 'upstream_error',
      error: 'the CRM answered HTTP 500',
    });
  });

  it('maps a refused connection to upstream_error', async () => {
    harness = await harnessFor(crm.apiKey, 'http://127.0.0.1:9');
    await expect(harness.call('lookup_customer', { customerId: 'C-1001' })).resolves.toMatchObject({
      errorCode: 'upstream_error',
    });
  });

  it('maps a body of the wrong shape, or not JSON, to invalid_output', async () => {
    harness = await harnessFor();
    crm.malformNext(1, 'wrong-shape');
    await expect(harness.call('lookup_customer', { customerId: 'C-1001' })).resolves.toMatchObject({
      errorCode: 'invalid_output',
    });
    crm.malformNext(1, 'not-json');
    await expect(harness.call('lookup_customer', { customerId: 'C-1001' })).resolves.toMatchObject({
      errorCode: 'invalid_output',
    });
  });

  it("stops when the call's signal aborts (timeout)", async () => {
    harness = await harnessFor();
    crm.delayNext(1, 2_000);
    await expect(
      harness.call('lookup_customer', { customerId: 'C-1001' }, { timeoutMs: 50 }),
    ).resolves.toMatchObject({
      errorCode: 'timeout',
    });
  });

  it('maps a refused API key to a permission_denied configuration error', async () => {
    harness = await harnessFor('wrong-key');
    const result = await harness.call('lookup_customer', { customerId: 'C-1001' });
    expect(result).toMatchObject({ errorCode: 'permission_denied' });
    expect(result.error).toContain('check the apiKey secret');
  });

  it('refuses to start without an API key, and without a baseUrl', async () => {
    await expect(harnessFor('')).rejects.toThrow('the CRM API key is missing');
    await expect(
      createPluginHarness(plugin, { config: {}, secrets: { apiKey: 'k' } }),
    ).rejects.toThrow('Configuration of plugin \'crm\' is invalid: field "baseUrl" is required');
  });

  it('never logs the API key', async () => {
    harness = await harnessFor();
    await harness.call('lookup_customer', { customerId: 'C-1001' });
    await harness.call('lookup_customer', { customerId: 'C-404' });
    expect(JSON.stringify(harness.logs)).not.toContain(crm.apiKey);
  });
});
