import { fail, ok } from '@toolhost/plugin-sdk';
import { TOOL_ERROR_CODES } from '@toolhost/plugin-sdk/host';
import { describe, expect, it } from 'vitest';
import { createCapturingLogger } from '../../../test/support/capturingLogger.js';
import { isBreakerFailure, ToolBreaker } from './ToolBreaker.js';

/**
 * What trips a breaker: the upstream being unwell, never the caller. Written as strings so
 * that when the SDK gains `crashed`, this table demands it counts.
 */
const UPSTREAM_FAILURES = new Set<string>(['timeout', 'upstream_error', 'crashed']);

function manualClock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('ToolBreaker', () => {
  it.each([...TOOL_ERROR_CODES])('counts %s only when it is an upstream failure', (code) => {
    expect(isBreakerFailure(fail('x', code))).toBe(UPSTREAM_FAILURES.has(code));
  });

  it('reports half-open once halfOpenAfterMs passed on the clock it is given', async () => {
    const clock = manualClock();
    const { logger } = createCapturingLogger();
    const breaker = new ToolBreaker(
      'crm.lookup',
      { consecutiveFailures: 1, halfOpenAfterMs: 1_000 },
      logger,
      clock,
    );
    expect(breaker.state).toBe('closed');
    await breaker.policy.execute(async () => fail('down', 'upstream_error'));
    expect(breaker.state).toBe('open');
    clock.advance(999);
    expect(breaker.state).toBe('open');
    clock.advance(1);
    expect(breaker.state).toBe('half-open');
  });

  it('does not count invalid input or output as a failure', async () => {
    const breaker = new ToolBreaker(
      'crm.lookup',
      { consecutiveFailures: 1, halfOpenAfterMs: 1_000 },
      createCapturingLogger().logger,
      manualClock(),
    );
    await breaker.policy.execute(async () => fail('bad', 'invalid_output'));
    await breaker.policy.execute(async () => fail('bad', 'invalid_input'));
    await breaker.policy.execute(async () => ok({}));
    expect(breaker.state).toBe('closed');
  });
});
