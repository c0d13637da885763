import { describe, expect, it } from 'vitest';
import { ToolCallMetrics } from './ToolCallMetrics.js';

describe('ToolCallMetrics', () => {
  it('counts calls, attempts and time by tool, outcome and error code', () => {
    const metrics = new ToolCallMetrics();
    metrics.record({
      tool: 'crm.lookup_customer',
      outcome: 'success',
      errorCode: null,
      attempts: 1,
      durationMs: 5,
    });
    metrics.record({
      tool: 'crm.lookup_customer',
      outcome: 'success',
      errorCode: null,
      attempts: 2,
      durationMs: 15,
    });
    metrics.record({
      tool: 'crm.lookup_customer',
      outcome: 'failure',
      errorCode: 'timeout',
      attempts: 3,
      durationMs: 900,
    });
    const text = metrics.renderPrometheus();
    expect(text).toContain(
      'toolhost_tool_calls_total{tool="crm.lookup_customer",outcome="success",error_code=""} 2',
    );
    expect(text).toContain(
      'toolhost_tool_attempts_total{tool="crm.lookup_customer",outcome="success",error_code=""} 3',
    );
    expect(text).toContain(
      'toolhost_tool_calls_total{tool="crm.lookup_customer",outcome="failure",error_code="timeout"} 1',
    );
    expect(text).toContain(
      'toolhost_tool_call_seconds_total{tool="crm.lookup_customer",outcome="failure",error_code="timeout"} 0.900000',
    );
  });
});
