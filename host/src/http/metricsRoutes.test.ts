import { afterEach, describe, expect, it } from 'vitest';
import { jsonPost, startTestApp, type TestApp } from './testing/startTestApp.js';

let app: TestApp;
afterEach(() => app.close());

describe('GET /metrics', () => {
  it('exposes request counts by route and status and a latency histogram', async () => {
    app = await startTestApp();
    await app.fetch('/healthz');
    await app.fetch('/healthz');
    await app.fetch('/v1/tools/crm.lookup_customer/invoke', jsonPost({ input: {} }));
    await app.fetch('/v1/tools/crm.lookup_customer/invoke', jsonPost({}));
    await app.fetch('/healthz', { method: 'DELETE' });
    await app.fetch('/secret/path/42');

    const res = await app.fetch('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    const lines = text.split('\n');
    expect(lines).toContain(
      'toolhost_http_requests_total{method="GET",route="/healthz",status="200"} 2',
    );
    expect(lines).toContain(
      'toolhost_http_requests_total{method="POST",route="/v1/tools/:tool/invoke",status="200"} 1',
    );
    expect(lines).toContain(
      'toolhost_http_requests_total{method="POST",route="/v1/tools/:tool/invoke",status="400"} 1',
    );
    expect(lines).toContain(
      'toolhost_http_requests_total{method="DELETE",route="/healthz",status="405"} 1',
    );
    expect(lines).toContain(
      'toolhost_http_requests_total{method="GET",route="unmatched",status="404"} 1',
    );
    expect(lines).toContain('# TYPE toolhost_http_request_duration_seconds histogram');
    expect(lines).toContain(
      'toolhost_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="+Inf"} 2',
    );
    expect(lines).toContain(
      'toolhost_http_request_duration_seconds_count{method="GET",route="/healthz"} 2',
    );
    expect(text).not.toContain('/secret/path');
  });

  it('appends the text of an optional metrics source', async () => {
    app = await startTestApp({
      metrics: {
        renderPrometheus: () =>
          '# TYPE toolhost_tool_calls_total counter\ntoolhost_tool_calls_total{tool="crm.lookup_customer",outcome="success"} 3',
      },
    });
    const text = await (await app.fetch('/metrics')).text();
    expect(text).toContain(
      'toolhost_tool_calls_total{tool="crm.lookup_customer",outcome="success"} 3\n',
    );
  });
});
