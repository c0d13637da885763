/** Upper bounds, in seconds, of the request latency histogram. */
export const LATENCY_BUCKETS = [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

interface Series {
  readonly labels: string;
  readonly statuses: Map<number, number>;
  /** Per-bucket counts, not yet cumulative; the last slot is +Inf. */
  readonly buckets: number[];
  sum: number;
  count: number;
}

function escapeLabel(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** Request counts and latencies of the HTTP API, kept in process and rendered for Prometheus. */
export class HttpMetrics {
  /** route → method → series; nested so recording a request builds no key string. */
  private readonly series = new Map<string, Map<string, Series>>();

  observe(method: string, route: string, status: number, seconds: number): void {
    let byMethod = this.series.get(route);
    if (!byMethod) {
      byMethod = new Map();
      this.series.set(route, byMethod);
    }
    let series = byMethod.get(method);
    if (!series) {
      series = {
        labels: `method="${escapeLabel(method)}",route="${escapeLabel(route)}"`,
        statuses: new Map(),
        buckets: new Array<number>(LATENCY_BUCKETS.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      byMethod.set(method, series);
    }
    series.statuses.set(status, (series.statuses.get(status) ?? 0) + 1);
    let slot = 0;
    while (slot < LATENCY_BUCKETS.length && seconds > (LATENCY_BUCKETS[slot] as number)) slot++;
    series.buckets[slot] = (series.buckets[slot] as number) + 1;
    series.sum += seconds;
    series.count++;
  }

  /** The Prometheus text exposition format (version 0.0.4). */
  render(): string {
    const all: Series[] = [];
    for (const byMethod of this.series.values()) all.push(...byMethod.values());
    const lines = [
      '# HELP toolhost_http_requests_total HTTP requests answered, by method, route and status.',
      '# TYPE toolhost_http_requests_total counter',
    ];
    for (const s of all) {
      for (const [status, count] of s.statuses) {
        lines.push(`toolhost_http_requests_total{${s.labels},status="${status}"} ${count}`);
      }
    }
    lines.push(
      '# HELP toolhost_http_request_duration_seconds Time to handle an HTTP request, by method and route.',
      '# TYPE toolhost_http_request_duration_seconds histogram',
    );
    for (const s of all) {
      let cumulative = 0;
      s.buckets.forEach((count, slot) => {
        cumulative += count;
        const le = slot < LATENCY_BUCKETS.length ? String(LATENCY_BUCKETS[slot]) : '+Inf';
        lines.push(
          `toolhost_http_request_duration_seconds_bucket{${s.labels},le="${le}"} ${cumulative}`,
        );
      });
      lines.push(`toolhost_http_request_duration_seconds_sum{${s.labels}} ${s.sum}`);
      lines.push(`toolhost_http_request_duration_seconds_count{${s.labels}} ${s.count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
