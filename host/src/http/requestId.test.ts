import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './testing/startTestApp.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let app: TestApp;
beforeEach(async () => {
  app = await startTestApp();
});
afterEach(() => app.close());

describe('requestId', () => {
  it('echoes a well-formed X-Request-Id and passes it to the invoker', async () => {
    const id = 'req-42.a:b_c';
    const res = await app.fetch('/v1/tools/crm.lookup_customer/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': id },
      body: '{"input":{}}',
    });
    expect(res.headers.get('x-request-id')).toBe(id);
    expect(app.invoker.calls[0]?.options.requestId).toBe(id);
  });

  it('generates a uuid when none is given', async () => {
    const first = await app.fetch('/healthz');
    const second = await app.fetch('/healthz');
    expect(first.headers.get('x-request-id')).toMatch(UUID);
    expect(second.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
  });

  it.each([['has spaces'], ['x'.repeat(129)], ['semi;colon'], ['<script>']])(
    'replaces the malformed id %j with a uuid',
    async (bad) => {
      const res = await app.fetch('/healthz', { headers: { 'x-request-id': bad } });
      expect(res.headers.get('x-request-id')).toMatch(UUID);
    },
  );

  it('puts the id on problem answers and in the access log', async () => {
    const res = await app.fetch('/nope', { headers: { 'x-request-id': 'trace-me' } });
    expect(res.headers.get('x-request-id')).toBe('trace-me');
    expect(((await res.json()) as { requestId: string }).requestId).toBe('trace-me');
    expect(app.logs.find((l) => l.message === 'http request')?.['request_id']).toBe('trace-me');
  });
});
