import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jsonPost, startTestApp, type TestApp } from './testing/startTestApp.js';

let app: TestApp;
beforeEach(async () => {
  app = await startTestApp();
});
afterEach(() => app.close());

describe('accessLog', () => {
  it('logs one info line per request with route template, status and duration, never bodies', async () => {
    await app.fetch(
      '/v1/tools/crm.lookup_customer/invoke',
      jsonPost({ input: { email: 'jane@example.com' } }, { 'x-request-id': 'log-1' }),
    );
    await app.fetch('/missing', { headers: { 'x-request-id': 'log-2' } });

    const lines = app.logs.filter((l) => l.message === 'http request');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      level: 'info',
      request_id: 'log-1',
      method: 'POST',
      route: '/v1/tools/:tool/invoke',
      status: 200,
    });
    expect(lines[0]?.['duration_ms']).toBeTypeOf('number');
    expect(lines[1]).toMatchObject({
      request_id: 'log-2',
      method: 'GET',
      route: null,
      status: 404,
    });
    expect(JSON.stringify(app.logs)).not.toContain('jane@example.com');
  });
});
