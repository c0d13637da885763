import { describe, expect, it } from 'vitest';
import { HttpMetrics } from './HttpMetrics.js';

describe('HttpMetrics', () => {
  it('renders cumulative buckets, sum and count per method and route', () => {
    const metrics = new HttpMetrics();
    metrics.observe('GET', '/healthz', 200, 0.0005);
    metrics.observe('GET', '/healthz', 200, 0.02);
    metrics.observe('GET', '/healthz', 503, 20);
    const lines = metrics.render().split('\n');
    const series = 'method="GET",route="/healthz"';
    expect(lines).toContain(`toolhost_http_requests_total{${series},status="200"} 2`);
    expect(lines).toContain(`toolhost_http_requests_total{${series},status="503"} 1`);
    expect(lines).toContain(
      `toolhost_http_request_duration_seconds_bucket{${series},le="0.001"} 1`,
    );
    expect(lines).toContain(`toolhost_http_request_duration_seconds_bucket{${series},le="0.01"} 1`);
    expect(lines).toContain(
      `toolhost_http_request_duration_seconds_bucket{${series},le="0.025"} 2`,
    );
    expect(lines).toContain(`toolhost_http_request_duration_seconds_bucket{${series},le="10"} 2`);
    expect(lines).toContain(`toolhost_http_request_duration_seconds_bucket{${series},le="+Inf"} 3`);
    expect(lines).toContain(`toolhost_http_request_duration_seconds_count{${series}} 3`);
    expect(lines).toContain(`toolhost_http_request_duration_seconds_sum{${series}} 20.0205`);
  });

  it('escapes label values', () => {
    const metrics = new HttpMetrics();
    metrics.observe('GET', 'a"b\\c\nd', 200, 0);
    expect(metrics.render()).toContain('route="a\\"b\\\\c\\nd"');
  });

  it('renders only the headers before any request', () => {
    expect(
      new HttpMetrics()
        .render()
        .split('\n')
        .filter((l) => !l.startsWith('#') && l !== ''),
    ).toEqual([]);
  });
});
