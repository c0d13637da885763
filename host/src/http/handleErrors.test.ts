import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProblemDocument } from './problem.js';
import { jsonPost, startTestApp, type TestApp } from './testing/startTestApp.js';

let app: TestApp;
beforeEach(async () => {
  app = await startTestApp();
});
afterEach(() => app.close());

async function problem(res: Response): Promise<ProblemDocument> {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await res.json()) as ProblemDocument;
}

describe('handleErrors', () => {
  it('answers an unknown route with a 404 problem', async () => {
    const res = await app.fetch('/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(await problem(res)).toEqual({
      type: 'urn:toolhost:problem:TOOLHOST_HTTP_NOT_FOUND',
      title: 'Not found',
      status: 404,
      detail: 'no route matches /v1/nothing-here',
      code: 'TOOLHOST_HTTP_NOT_FOUND',
      requestId: res.headers.get('x-request-id'),
    });
  });

  it('answers a wrong method with a 405 problem and an Allow header', async () => {
    const res = await app.fetch('/healthz', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('HEAD, GET');
    expect(await problem(res)).toMatchObject({
      code: 'TOOLHOST_HTTP_METHOD_NOT_ALLOWED',
      status: 405,
    });

    const get = await app.fetch('/v1/tools/crm.lookup_customer/invoke');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('answers a method the router does not implement with a 501 problem', async () => {
    const res = await app.fetch('/healthz', { method: 'PURGE' });
    expect(res.status).toBe(501);
    expect((await problem(res)).code).toBe('TOOLHOST_HTTP_NOT_IMPLEMENTED');
  });

  it('answers an unexpected error with a 500 problem that leaks nothing, and logs it', async () => {
    app.invoker.answer = () =>
      Promise.reject(new Error('secret connection string postgres://u:p@db'));
    const res = await app.fetch('/v1/tools/crm.lookup_customer/invoke', jsonPost({ input: {} }));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({
      code: 'TOOLHOST_HTTP_INTERNAL',
      detail: 'the server failed to answer this request',
    });
    expect(text).not.toContain('postgres://');
    expect(text).not.toContain('at ');
    const logged = app.logs.find((l) => l.message === 'http request failed');
    expect(logged).toMatchObject({
      level: 'error',
      code: 'TOOLHOST_HTTP_INTERNAL',
      error_message: 'secret connection string postgres://u:p@db',
      request_id: res.headers.get('x-request-id'),
    });
    expect(String(logged?.['stack'])).toContain('handleErrors.test.ts');
  });

  it('logs a response that failed because the client hung up at info, any other at error', async () => {
    const gone = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    app.app.emit('error', gone);
    app.app.emit('error', new Error('the stream broke'));
    const failed = app.logs.filter((line) => line.message === 'http response failed');
    expect(failed.map((line) => [line.level, line['error_message']])).toEqual([
      ['info', 'socket hang up'],
      ['error', 'the stream broke'],
    ]);
  });
});
