/** Where the invoker reads time for durations and deadlines (milliseconds, monotonic). */
export interface Clock {
  now(): number;
}

/** setTimeout's ceiling: a longer delay would fire at once, with a warning. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** `performance.now()`, looked up at every call so fake timers can replace it. */
export const systemClock: Clock = { now: () => performance.now() };
