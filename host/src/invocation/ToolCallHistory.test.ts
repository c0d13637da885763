import { describe, expect, it } from 'vitest';
import { ToolCallHistory } from './ToolCallHistory.js';

const MINUTE = 60_000;

function clock(start = Date.UTC(2026, 0, 1, 12, 0, 30)) {
  const state = { now: start };
  return { state, now: () => state.now };
}

describe('ToolCallHistory', () => {
  it('counts calls and failures in the current minute, the newest entry of the hour', () => {
    const c = clock();
    const history = new ToolCallHistory(c.now);
    history.record({ tool: 'rag.search', outcome: 'success' });
    history.record({ tool: 'rag.search', outcome: 'failure' });
    const [tool] = history.snapshot().tools;
    expect(tool?.calls).toHaveLength(60);
    expect(tool?.calls.at(-1)).toBe(2);
    expect(tool?.failures.at(-1)).toBe(1);
    expect(tool?.errorRate).toBe(0.5);
    expect(tool?.callsPerMinute).toBeCloseTo(2 / 5);
    expect(history.snapshot().currentMinute).toBe('2026-01-01T12:00:00.000Z');
  });

  it('moves older minutes left as the clock advances and forgets what is older than an hour', () => {
    const c = clock();
    const history = new ToolCallHistory(c.now);
    history.record({ tool: 't', outcome: 'failure' });
    c.state.now += 3 * MINUTE;
    history.record({ tool: 't', outcome: 'success' });
    let tool = history.snapshot().tools[0];
    expect(tool?.calls.slice(-4)).toEqual([1, 0, 0, 1]);
    expect(tool?.failures.slice(-4)).toEqual([1, 0, 0, 0]);
    c.state.now += 57 * MINUTE;
    tool = history.snapshot().tools[0];
    // The first call is 60 minutes old: out of the window; the second is 57 minutes old.
    expect(tool?.calls.reduce((a, b) => a + b, 0)).toBe(1);
    expect(tool?.calls[2]).toBe(1);
    expect(tool?.errorRate).toBe(0);
    c.state.now += 2 * 60 * MINUTE;
    tool = history.snapshot().tools[0];
    expect(tool?.calls.every((n) => n === 0)).toBe(true);
    expect(tool?.errorRate).toBeNull();
  });

  it('a slot reused after an hour starts from zero, not from the hour before', () => {
    const c = clock();
    const history = new ToolCallHistory(c.now);
    history.record({ tool: 't', outcome: 'success' });
    c.state.now += 60 * MINUTE;
    history.record({ tool: 't', outcome: 'success' });
    expect(history.snapshot().tools[0]?.calls.at(-1)).toBe(1);
  });

  it('keeps tools apart and lists them by name', () => {
    const history = new ToolCallHistory(clock().now);
    history.record({ tool: 'b.x', outcome: 'success' });
    history.record({ tool: 'a.y', outcome: 'failure' });
    expect(history.snapshot().tools.map((t) => [t.tool, t.errorRate])).toEqual([
      ['a.y', 1],
      ['b.x', 0],
    ]);
  });

  it('stops taking new tool names past its bound, so odd names cannot grow it without end', () => {
    const history = new ToolCallHistory(clock().now);
    for (let i = 0; i < 1_005; i += 1) history.record({ tool: `t${i}`, outcome: 'success' });
    expect(history.snapshot().tools).toHaveLength(1_000);
  });
});
