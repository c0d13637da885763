import type { IBackoff, IBackoffFactory } from 'cockatiel';
import { MAX_TIMER_MS } from './Clock.js';

/**
 * Exponential backoff with jitter that stays between `initialDelayMs` and `maxDelayMs`:
 * retry n waits a random time in [b, 1.5·b] with b = initialDelayMs·2^(n-1), capped at
 * maxDelayMs. The ranges do not overlap, so successive delays never shrink.
 */
export class GrowingJitterBackoff implements IBackoff<unknown> {
  readonly duration: number;

  constructor(
    private readonly initialDelayMs: number,
    private readonly maxDelayMs: number,
    private readonly random: () => number = Math.random,
    private readonly retry = 1,
  ) {
    const cap = Math.min(maxDelayMs, MAX_TIMER_MS);
    const base = Math.min(cap, initialDelayMs * 2 ** (retry - 1));
    this.duration = Math.round(Math.min(cap, base * (1 + random() / 2)));
  }

  next(): IBackoff<unknown> {
    return new GrowingJitterBackoff(
      this.initialDelayMs,
      this.maxDelayMs,
      this.random,
      this.retry + 1,
    );
  }
}

export function growingJitterBackoff(
  initialDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): IBackoffFactory<unknown> {
  return { next: () => new GrowingJitterBackoff(initialDelayMs, maxDelayMs, random) };
}
