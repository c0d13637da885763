import { afterEach, describe, expect, it } from 'vitest';
import { HostError } from '../errors.js';
import type { InstallRequest, PluginInstallAdmin } from '../plugins/PluginInstalls.js';
import { jsonPost, pluginStatus, startTestApp, type TestApp } from './testing/startTestApp.js';

const TOKEN = 'correct-horse-battery-staple';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const PACKAGE = {
  name: '@acme/plugin-x',
  version: '1.0.0',
  integrity: 'sha512-x',
  filesDigest: 'sha256-x',
  signedBy: null,
};

/** Records what the routes hand over; `fail` makes the next call throw. */
class RecordingInstalls implements PluginInstallAdmin {
  readonly requests: Array<
    InstallRequest | { update: string; range?: string } | { remove: string }
  > = [];
  fail: Error | null = null;

  async install(request: InstallRequest) {
    this.requests.push(request);
    if (this.fail) throw this.fail;
    return { plugin: pluginStatus('x', 'disabled'), package: PACKAGE };
  }
  async update(name: string, range?: string) {
    this.requests.push({ update: name, ...(range ? { range } : {}) });
    if (this.fail) throw this.fail;
    return { plugin: pluginStatus(name), from: '0.9.0', to: PACKAGE, changed: true, pruned: [] };
  }
  async remove(name: string) {
    this.requests.push({ remove: name });
    if (this.fail) throw this.fail;
    return { name, removed: ['1.0.0'] };
  }
}

let app: TestApp;
afterEach(() => app.close());

async function appWith(installs = new RecordingInstalls()) {
  app = await startTestApp({ adminToken: TOKEN, installs });
  return installs;
}

describe('install routes', () => {
  it('install answers 201 with the plugin and the package; update and remove answer 200', async () => {
    const installs = await appWith();
    const installed = await app.fetch(
      '/v1/admin/plugins/install',
      jsonPost(
        { spec: '@acme/plugin-x@^1', enable: true, manifest: { isolation: 'inline' } },
        AUTH,
      ),
    );
    expect(installed.status).toBe(201);
    expect(await installed.json()).toMatchObject({ package: PACKAGE, plugin: { name: 'x' } });
    const updated = await app.fetch('/v1/admin/plugins/x/update', jsonPost({ range: '^2' }, AUTH));
    expect(updated.status).toBe(200);
    const updatedBare = await app.fetch('/v1/admin/plugins/x/update', {
      method: 'POST',
      headers: AUTH,
    });
    expect(updatedBare.status).toBe(200);
    const removed = await app.fetch('/v1/admin/plugins/x/remove', {
      method: 'POST',
      headers: AUTH,
    });
    expect(await removed.json()).toEqual({ name: 'x', removed: ['1.0.0'] });
    expect(installs.requests).toEqual([
      { spec: '@acme/plugin-x@^1', enable: true, manifest: { isolation: 'inline' } },
      { update: 'x', range: '^2' },
      { update: 'x' },
      { remove: 'x' },
    ]);
  });

  it('need the admin token', async () => {
    const installs = await appWith();
    const res = await app.fetch('/v1/admin/plugins/install', jsonPost({ spec: '@acme/x' }));
    expect(res.status).toBe(401);
    expect(installs.requests).toEqual([]);
  });

  it.each([
    [{}, 'field "spec" is required'],
    [
      { spec: '@acme/x', manifest: { source: { path: 'evil' } } },
      'field "manifest.source" is not allowed',
    ],
    [
      { spec: '@acme/x', manifest: { isolation: 'none' } },
      'field "manifest.isolation" must be one of',
    ],
    [
      { spec: '@acme/x', manifest: { permissions: { http: ['file:///etc'] } } },
      'field "manifest.permissions.http.0" must match pattern',
    ],
  ])('refuse a body %j with 400', async (body, detail) => {
    const installs = await appWith();
    const res = await app.fetch('/v1/admin/plugins/install', jsonPost(body, AUTH));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toContain(detail);
    expect(installs.requests).toEqual([]);
  });

  it.each([
    [
      new HostError('TOOLHOST_ERR_PLUGIN_EXISTS', { plugin: 'x', file: 'x.json', details: 'd' }),
      409,
      'TOOLHOST_HTTP_CONFLICT',
    ],
    [
      new HostError('TOOLHOST_ERR_REGISTRY_NOT_CONFIGURED', { action: 'install x' }),
      409,
      'TOOLHOST_HTTP_CONFLICT',
    ],
    [
      new HostError('TOOLHOST_ERR_PACKAGE_NOT_FOUND', { registry: 'r', spec: 'x', details: 'd' }),
      404,
      'TOOLHOST_HTTP_NOT_FOUND',
    ],
    [
      new HostError('TOOLHOST_ERR_REGISTRY_UNREACHABLE', { registry: 'r', details: 'd' }),
      502,
      'TOOLHOST_HTTP_BAD_GATEWAY',
    ],
    [
      new HostError('TOOLHOST_ERR_REGISTRY_UNAUTHORIZED', {
        registry: 'r',
        action: 'a',
        status: 401,
        details: 'd',
      }),
      502,
      'TOOLHOST_HTTP_BAD_GATEWAY',
    ],
    [
      new HostError('TOOLHOST_ERR_TARBALL_UNSAFE', { package: 'x', entry: 'e', reason: 'r' }),
      422,
      'TOOLHOST_HTTP_PLUGIN_REFUSED',
    ],
    [
      new HostError('TOOLHOST_ERR_INTEGRITY_MISMATCH', { package: 'x', details: 'd' }),
      422,
      'TOOLHOST_HTTP_PLUGIN_REFUSED',
    ],
    [
      new HostError('TOOLHOST_ERR_SIGNATURE_INVALID', { package: 'x', details: 'd' }),
      422,
      'TOOLHOST_HTTP_PLUGIN_REFUSED',
    ],
    [
      new HostError('TOOLHOST_ERR_SDK_INCOMPATIBLE', {
        plugin: 'x',
        range: '^9',
        version: '1.0.0',
      }),
      422,
      'TOOLHOST_HTTP_PLUGIN_REFUSED',
    ],
  ])('answer %s with %i', async (error, status, code) => {
    const installs = await appWith();
    installs.fail = error;
    const res = await app.fetch('/v1/admin/plugins/install', jsonPost({ spec: '@acme/x' }, AUTH));
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ code, detail: error.message });
  });

  it('are absent when the host has no installs (legacy mode)', async () => {
    app = await startTestApp({ adminToken: TOKEN });
    const res = await app.fetch('/v1/admin/plugins/install', jsonPost({ spec: '@acme/x' }, AUTH));
    expect(res.status).toBe(404);
  });
});
