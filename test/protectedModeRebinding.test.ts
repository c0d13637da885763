import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, keysEnv, type TestKey } from './support/apiKeys.js';
import { startTestHost, type TestHost } from './support/testHost.js';

const CLIENT: TestKey = {
  name: 'client',
  key: 'client-key-for-rebinding-0123456789',
  scopes: ['tools'],
};

/** A request whose Host header names `hostHeader`, as a rebound browser page would send it. */
function get(url: string, path: string, hostHeader: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: { code?: string } }>((resolve, reject) => {
    const req = request(`${url}${path}`, { headers: { host: hostHeader, ...headers } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || '{}') }));
    });
    req.on('error', reject);
    req.end();
  });
}

const greeterHost = (env: Record<string, string> = {}) =>
  startTestHost(
    (dirs) => {
      dirs.addPlugin('greeter');
      dirs.writeManifest({ name: 'greeter', enabled: true, source: { path: 'greeter' } });
    },
    { TOOLHOST_WATCH_MANIFESTS: 'false', ...env },
  );

describe('protected mode against DNS rebinding', () => {
  let open: TestHost;
  let keyed: TestHost;
  beforeAll(async () => {
    open = await greeterHost();
    keyed = await greeterHost(keysEnv(CLIENT));
  });
  afterAll(async () => {
    await open?.stop();
    await keyed?.stop();
  });

  it('answers requests addressed to a loopback name', async () => {
    const port = new URL(open.host.url).port;
    for (const name of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect((await get(open.host.url, '/v1/tools', name)).status, name).toBe(200);
    }
  });

  it('refuses a request addressed to another name, as a rebound page sends it', async () => {
    const port = new URL(open.host.url).port;
    for (const path of ['/v1/tools', '/readyz', '/mcp']) {
      const answer = await get(open.host.url, path, `attacker.example:${port}`);
      expect(answer, path).toMatchObject({
        status: 403,
        body: { code: 'TOOLHOST_HTTP_FORBIDDEN' },
      });
    }
  });

  it('with keys configured, the key decides, not the name', async () => {
    const answer = await get(keyed.host.url, '/v1/tools', 'toolhost.internal', bearer(CLIENT));
    expect(answer.status).toBe(200);
  });
});
