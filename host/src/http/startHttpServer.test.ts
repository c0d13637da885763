import { ok, type ToolResult } from '@toolhost/plugin-sdk';
import Koa from 'koa';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startHttpServer } from './startHttpServer.js';
import { jsonPost, startTestApp, type TestApp } from './testing/startTestApp.js';

const INVOKE = '/v1/tools/crm.lookup_customer/invoke';

let app: TestApp;
afterEach(async () => {
  vi.useRealTimers();
  await app.close();
});

/** Makes the next invoke hang until `release()`; `started` resolves once it is in flight. */
function holdNextCall(testApp: TestApp): { started: Promise<void>; release: () => void } {
  let release = (): void => {};
  const started = new Promise<void>((resolveStarted) => {
    testApp.invoker.answer = () => {
      resolveStarted();
      return new Promise<ToolResult>((resolve) => {
        release = () => resolve(ok({ finished: true }));
      });
    };
  });
  return { started, release: () => release() };
}

function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  return new Promise((resolve) => setImmediate(() => resolve(done)));
}

describe('startHttpServer', () => {
  it('serves on the requested host and reports the bound port in url', async () => {
    app = await startTestApp();
    expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(app.url.endsWith(':0')).toBe(false);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it('rejects when the port is taken', async () => {
    app = await startTestApp();
    const port = Number(new URL(app.url).port);
    await expect(startHttpServer(new Koa(), { host: '127.0.0.1', port })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });

  it('close waits for an in-flight request, answers it with Connection: close, then closes', async () => {
    app = await startTestApp();
    expect((await app.fetch('/healthz')).status).toBe(200); // leaves an idle keep-alive connection
    const { started, release } = holdNextCall(app);
    const pending = app.fetch(INVOKE, jsonPost({ input: {} }));
    await started;

    const closing = app.server.close(60_000);
    expect(await settled(closing)).toBe(false);
    expect(app.server.server.listening).toBe(false);

    release();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.json()).toMatchObject({ success: true, data: { finished: true } });
    await closing;
    await expect(fetch(`${app.url}/healthz`)).rejects.toThrow('fetch failed');
  });

  it('close cuts a request still running when the grace period ends', async () => {
    app = await startTestApp();
    const { started } = holdNextCall(app);
    const pending = app.fetch(INVOKE, jsonPost({ input: {} }));
    await started;

    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const closing = app.server.close(2_000);
    vi.advanceTimersByTime(1_999);
    expect(await settled(closing)).toBe(false);
    vi.advanceTimersByTime(1);
    await expect(pending).rejects.toThrow('fetch failed');
    await closing;
  });

  it('close called twice returns the same promise', async () => {
    app = await startTestApp();
    const first = app.server.close();
    expect(app.server.close()).toBe(first);
    await first;
  });
});
