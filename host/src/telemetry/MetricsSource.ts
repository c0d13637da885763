/** A part of the host that exposes its own counters on `GET /metrics`. */
export interface MetricsSource {
  /** Prometheus text exposition format (0.0.4), including its `# HELP` and `# TYPE` lines. */
  renderPrometheus(): string;
}
