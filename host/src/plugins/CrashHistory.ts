/** When a plugin's runtime crashed lately: how many crashes in the window, and the backoff. */
export class CrashHistory {
  #at: number[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Records a crash; returns how many happened within the window, this one included. */
  record(): number {
    const now = this.now();
    this.#at = this.#at.filter((at) => now - at < this.windowMs);
    this.#at.push(now);
    return this.#at.length;
  }

  get recent(): number {
    const now = this.now();
    return this.#at.filter((at) => now - at < this.windowMs).length;
  }
}

/** The wait before respawning after the `n`th crash in a row: 50 ms, doubling, at most 5 s. */
export function respawnDelayMs(n: number): number {
  return Math.min(5_000, 50 * 2 ** Math.max(0, n - 1));
}
