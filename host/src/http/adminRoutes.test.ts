import { afterEach, describe, expect, it } from 'vitest';
import type { ProblemDocument } from './problem.js';
import { pluginStatus, startTestApp, type TestApp } from './testing/startTestApp.js';

const TOKEN = 'correct-horse-battery-staple';
const AUTH = { authorization: `Bearer ${TOKEN}` };

let app: TestApp;
afterEach(() => app.close());

describe('admin routes', () => {
  it.each([[null], ['']])('are absent (404) when the admin token is %j', async (adminToken) => {
    app = await startTestApp({ adminToken });
    const list = await app.fetch('/v1/admin/plugins', { headers: AUTH });
    expect(list.status).toBe(404);
    expect(((await list.json()) as ProblemDocument).code).toBe('TOOLHOST_HTTP_NOT_FOUND');
    const enable = await app.fetch('/v1/admin/plugins/crm/enable', {
      method: 'POST',
      headers: AUTH,
    });
    expect(enable.status).toBe(404);
  });

  it.each([
    ['no Authorization header', {}, 'Bearer'],
    ['a wrong token', { authorization: 'Bearer not-the-token' }, 'Bearer error="invalid_token"'],
    ['a longer wrong token', { authorization: `Bearer ${TOKEN}x` }, 'Bearer error="invalid_token"'],
    ['another scheme', { authorization: `Basic ${TOKEN}` }, 'Bearer'],
  ])('answer 401 with WWW-Authenticate for %s', async (_name, headers, challenge) => {
    app = await startTestApp({ adminToken: TOKEN });
    const res = await app.fetch('/v1/admin/plugins', { headers });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(challenge);
    expect(((await res.json()) as ProblemDocument).code).toBe('TOOLHOST_HTTP_UNAUTHORIZED');
    const post = await app.fetch('/v1/admin/plugins/crm/disable', { method: 'POST', headers });
    expect(post.status).toBe(401);
    expect(app.plugins.plugins.get('crm')?.state).toBe('enabled');
  });

  it('list, enable, disable and reload with the right token', async () => {
    app = await startTestApp({ adminToken: TOKEN });
    const list = await app.fetch('/v1/admin/plugins', {
      headers: { authorization: `bearer ${TOKEN}` },
    });
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ plugins: [pluginStatus('crm')] });

    for (const [action, state] of [
      ['disable', 'disabled'],
      ['reload', 'disabled'],
      ['enable', 'enabled'],
    ] as const) {
      const res = await app.fetch(`/v1/admin/plugins/crm/${action}`, {
        method: 'POST',
        headers: AUTH,
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(pluginStatus('crm', state));
    }
  });

  it('answers 404 TOOLHOST_HTTP_PLUGIN_UNKNOWN for a plugin no manifest names', async () => {
    app = await startTestApp({ adminToken: TOKEN });
    const res = await app.fetch('/v1/admin/plugins/ghost/enable', {
      method: 'POST',
      headers: AUTH,
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      code: 'TOOLHOST_HTTP_PLUGIN_UNKNOWN',
      detail: "No manifest names plugin 'ghost'",
    });
  });

  it('answers 405 for a wrong method on an admin route', async () => {
    app = await startTestApp({ adminToken: TOKEN });
    const res = await app.fetch('/v1/admin/plugins/crm/enable', { headers: AUTH });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});
