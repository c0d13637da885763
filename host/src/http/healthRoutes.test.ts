import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './testing/startTestApp.js';

let app: TestApp;
afterEach(() => app.close());

describe('health routes', () => {
  it('GET /healthz answers 200 ok without asking any dependency', async () => {
    app = await startTestApp({
      readiness: () => Promise.reject(new Error('must not be called')),
    });
    const res = await app.fetch('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    const head = await app.fetch('/healthz', { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('GET /readyz answers 200 with the report when ready', async () => {
    app = await startTestApp();
    const res = await app.fetch('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(app.readiness.report);
  });

  it('GET /readyz answers 503 with the report when not ready', async () => {
    app = await startTestApp();
    app.readiness.report = {
      ready: false,
      checks: { database: { ok: false, detail: 'connection refused' } },
      plugins: [],
    };
    const res = await app.fetch('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual(app.readiness.report);
  });

  it('GET /readyz answers a 503 problem when the readiness check itself fails', async () => {
    app = await startTestApp({ readiness: () => Promise.reject(new Error('pool exhausted')) });
    const res = await app.fetch('/readyz');
    expect(res.status).toBe(503);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body['code']).toBe('TOOLHOST_HTTP_UNAVAILABLE');
    expect(JSON.stringify(body)).not.toContain('pool exhausted');
  });
});
