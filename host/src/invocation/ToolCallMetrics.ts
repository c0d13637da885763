import type { MetricsSource } from '../telemetry/MetricsSource.js';
import { ToolCallHistory } from './ToolCallHistory.js';
import type { ToolCallRecord, ToolInvoker } from './ToolInvoker.js';

interface Counts {
  calls: number;
  attempts: number;
  seconds: number;
}

/**
 * Tool call counters by tool, outcome and error code, rendered for `GET /metrics`, and the
 * last hour per minute (`history`) for the console.
 */
export class ToolCallMetrics implements MetricsSource {
  readonly #counts = new Map<string, Counts>();
  readonly history: ToolCallHistory;

  constructor(now: () => number = Date.now) {
    this.history = new ToolCallHistory(now);
  }

  record(record: ToolCallRecord): void {
    this.history.record(record);
    const key = `tool="${record.tool}",outcome="${record.outcome}",error_code="${record.errorCode ?? ''}"`;
    let counts = this.#counts.get(key);
    if (counts === undefined)
      this.#counts.set(key, (counts = { calls: 0, attempts: 0, seconds: 0 }));
    counts.calls += 1;
    counts.attempts += record.attempts;
    counts.seconds += record.durationMs / 1000;
  }

  renderPrometheus(): string {
    const lines = [
      '# HELP toolhost_tool_calls_total Tool calls through the call wrapper.',
      '# TYPE toolhost_tool_calls_total counter',
    ];
    for (const [labels, counts] of this.#counts)
      lines.push(`toolhost_tool_calls_total{${labels}} ${counts.calls}`);
    lines.push(
      '# HELP toolhost_tool_attempts_total Attempts made by those calls (retries included).',
      '# TYPE toolhost_tool_attempts_total counter',
    );
    for (const [labels, counts] of this.#counts)
      lines.push(`toolhost_tool_attempts_total{${labels}} ${counts.attempts}`);
    lines.push(
      '# HELP toolhost_tool_call_seconds_total Time spent in those calls.',
      '# TYPE toolhost_tool_call_seconds_total counter',
    );
    for (const [labels, counts] of this.#counts) {
      lines.push(`toolhost_tool_call_seconds_total{${labels}} ${counts.seconds.toFixed(6)}`);
    }
    return `${lines.join('\n')}\n`;
  }
}

/** The invoker with every call counted. */
export function countToolCalls(invoker: ToolInvoker, metrics: ToolCallMetrics): ToolInvoker {
  return {
    async invoke(tool, input, options) {
      const invocation = await invoker.invoke(tool, input, options);
      metrics.record(invocation.record);
      return invocation;
    },
    circuitState: (tool) => invoker.circuitState(tool),
    onCircuitChange: (listener) => invoker.onCircuitChange(listener),
  };
}
