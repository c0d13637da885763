import { describe, expect, it } from 'vitest';
import { growingJitterBackoff } from './GrowingJitterBackoff.js';

function delays(count: number, random: () => number, initial = 100, max = 1_000): number[] {
  const out: number[] = [];
  let backoff = growingJitterBackoff(initial, max, random).next(undefined);
  for (let i = 0; i < count; i++) {
    out.push(backoff.duration);
    backoff = backoff.next(undefined);
  }
  return out;
}

describe('growingJitterBackoff', () => {
  it('doubles from initialDelayMs and stops at maxDelayMs', () => {
    expect(delays(6, () => 0)).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('adds up to half a step of jitter, never beyond maxDelayMs', () => {
    expect(delays(6, () => 0.999_999)).toEqual([150, 300, 600, 1_000, 1_000, 1_000]);
  });

  it('never waits less than the previous retry, whatever the jitter', () => {
    for (let run = 0; run < 200; run++) {
      const seen = delays(8, Math.random, 50, 5_000);
      for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);
      expect(Math.min(...seen)).toBeGreaterThanOrEqual(50);
      expect(Math.max(...seen)).toBeLessThanOrEqual(5_000);
    }
  });
});
