/** Where the invoker reads time for durations and deadlines (milliseconds, monotonic). */
export interface Clock {
  now(): number;
}

/** `performance.now()`, looked up at every call so fake timers can replace it. */
export const systemClock: Clock = { now: () => performance.now() };
