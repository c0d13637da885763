import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProblemDocument } from './problem.js';
import { startTestApp, type TestApp } from './testing/startTestApp.js';

const INVOKE = '/v1/tools/crm.lookup_customer/invoke';

let app: TestApp;
beforeEach(async () => {
  app = await startTestApp({ bodyLimitBytes: 1024 });
});
afterEach(() => app.close());

async function problem(res: Response): Promise<ProblemDocument> {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await res.json()) as ProblemDocument;
}

function post(
  body: NonNullable<RequestInit['body']>,
  headers: Record<string, string>,
): Promise<Response> {
  return app.fetch(INVOKE, { method: 'POST', headers, body });
}

describe('readJsonBody', () => {
  it('answers 400 TOOLHOST_HTTP_MALFORMED_JSON for broken JSON', async () => {
    const res = await post('{"input":', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    const body = await problem(res);
    expect(body).toMatchObject({
      status: 400,
      code: 'TOOLHOST_HTTP_MALFORMED_JSON',
      title: 'Malformed JSON',
    });
    expect(body.type).toBe('urn:toolhost:problem:TOOLHOST_HTTP_MALFORMED_JSON');
    expect(body.requestId).toBe(res.headers.get('x-request-id'));
    expect(app.invoker.calls).toHaveLength(0);
  });

  it('answers 400 for an empty body and for invalid UTF-8', async () => {
    const empty = await post('', { 'content-type': 'application/json' });
    expect((await problem(empty)).detail).toBe('the body is empty');
    const bytes = await post(new Uint8Array([0x22, 0xff, 0x22]), {
      'content-type': 'application/json',
    });
    expect(bytes.status).toBe(400);
    expect((await problem(bytes)).detail).toBe('the body is not valid UTF-8');
  });

  it('answers 413 with Connection: close when Content-Length exceeds the limit', async () => {
    const res = await post(JSON.stringify({ input: { text: 'x'.repeat(5000) } }), {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect(await problem(res)).toMatchObject({ code: 'TOOLHOST_HTTP_BODY_TOO_LARGE', status: 413 });
    expect((await app.fetch('/healthz')).status).toBe(200);
  });

  it('answers 413 when a chunked body grows past the limit', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(10_000));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"input":{"text":"'));
        for (let i = 0; i < 5; i++) controller.enqueue(chunk);
        controller.enqueue(new TextEncoder().encode('"}}'));
        controller.close();
      },
    });
    const res = await app.fetch(INVOKE, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect((await problem(res)).code).toBe('TOOLHOST_HTTP_BODY_TOO_LARGE');
  });

  it.each([
    ['text/plain', "got 'text/plain'"],
    ['application/x-www-form-urlencoded', "got 'application/x-www-form-urlencoded'"],
    ['application/json; charset=latin1', "expected charset utf-8, got 'latin1'"],
  ])('answers 415 for Content-Type %s', async (type, detail) => {
    const res = await post('{"input":{}}', { 'content-type': type });
    expect(res.status).toBe(415);
    const body = await problem(res);
    expect(body.code).toBe('TOOLHOST_HTTP_UNSUPPORTED_MEDIA_TYPE');
    expect(body.detail).toContain(detail);
  });

  it('answers 415 when Content-Type is missing or the body is encoded', async () => {
    const missing = await post(new Blob(['{"input":{}}']), {});
    expect(missing.status).toBe(415);
    expect((await problem(missing)).detail).toContain('got none');
    const gzip = await post('{"input":{}}', {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(gzip.status).toBe(415);
    expect((await problem(gzip)).detail).toContain("'gzip'");
  });

  it('accepts application/json with charset=utf-8 and +json types', async () => {
    for (const type of ['application/json; charset=UTF-8', 'application/vnd.toolhost+json']) {
      const res = await post('{"input":{"q":1}}', { 'content-type': type });
      expect(res.status).toBe(200);
    }
    expect(app.invoker.calls.map((c) => c.input)).toEqual([{ q: 1 }, { q: 1 }]);
  });

  it('answers 400 TOOLHOST_HTTP_INVALID_BODY for a NUL or a lone surrogate, and calls nothing', async () => {
    for (const [body, field] of [
      ['{"input":{"note":"a\\u0000b"}}', 'input.note'],
      ['{"input":{"note":"\\ud83d alone"}}', 'input.note'],
    ]) {
      const res = await post(body as string, { 'content-type': 'application/json' });
      expect(res.status).toBe(400);
      expect(await problem(res)).toMatchObject({
        code: 'TOOLHOST_HTTP_INVALID_BODY',
        detail: `field "${field}" holds a NUL character or an unpaired surrogate, which the host does not accept`,
      });
    }
    expect(app.invoker.calls).toEqual([]);
    const pair = await post('{"input":{"note":"\\ud83d\\ude00"}}', {
      'content-type': 'application/json',
    });
    expect(pair.status).toBe(200);
    expect(app.invoker.calls.map((c) => c.input)).toEqual([{ note: '😀' }]);
  });
});
