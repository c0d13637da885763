import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, CLIENT, keysEnv } from '../support/apiKeys.js';
import { fixturePlugin } from '../support/pluginPackages.js';
import { startTestRegistry, type TestRegistry } from '../support/registry.js';
import { startTestHost, type TestHost } from '../support/testHost.js';

// A registry that, like most production ones, lets only users with a token read.
const ADMIN_TOKEN = 'registry-admin-token-0123456789';
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

let registry: TestRegistry;
const hosts: TestHost[] = [];

beforeAll(async () => {
  registry = await startTestRegistry({ access: '$authenticated' });
  await registry.publishFiles({
    'package.json': {
      name: '@fixture/private-dep',
      version: '1.0.0',
      type: 'module',
      main: 'index.js',
    },
    'index.js': 'export const secret = 42;\n',
  });
  await registry.publishFiles(
    fixturePlugin({
      package: '@acme/plugin-private',
      version: '1.0.0',
      plugin: 'private',
      dependencies: { '@fixture/private-dep': '1.0.0' },
      prelude:
        "import { secret } from '@fixture/private-dep';\nif (secret !== 42) throw new Error('no dependency');\n",
    }),
  );
});

afterAll(async () => {
  for (const host of hosts) await host.stop();
  await registry?.close();
});

async function installWith(env: Record<string, string>) {
  const host = await startTestHost(() => {}, {
    TOOLHOST_REGISTRY_URL: registry.url,
    TOOLHOST_ADMIN_TOKEN: ADMIN_TOKEN,
    ...keysEnv(CLIENT),
    ...env,
  });
  hosts.push(host);
  const installed = await host.request('/v1/admin/plugins/install', {
    method: 'POST',
    headers: ADMIN,
    body: JSON.stringify({ spec: '@acme/plugin-private', enable: true }),
  });
  return { host, installed };
}

describe('a registry that needs a token to read', () => {
  it('refuses an install without TOOLHOST_REGISTRY_TOKEN, saying so', async () => {
    const { installed } = await installWith({});
    expect(installed.status).toBe(502);
    expect(installed.body).toMatchObject({
      code: 'TOOLHOST_HTTP_BAD_GATEWAY',
      detail: expect.stringMatching(
        /refused reading @acme\/plugin-private@latest \(HTTP 401\): set TOOLHOST_REGISTRY_TOKEN/,
      ),
    });
  });

  it('installs with it, the plugin and its dependencies (npm gets the token too)', async () => {
    const { host, installed } = await installWith({ TOOLHOST_REGISTRY_TOKEN: registry.token });
    expect(installed.status, JSON.stringify(installed.body)).toBe(201);
    const answer = await host.request('/v1/tools/private.version/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(CLIENT) },
      body: '{"input":{}}',
    });
    expect(answer.body).toMatchObject({ success: true, data: { version: '1.0.0' } });
  });
});
