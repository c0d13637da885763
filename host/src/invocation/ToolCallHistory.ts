import type { ToolCallRecord } from './ToolInvoker.js';

const MINUTE_MS = 60_000;
const MINUTES = 60;
/** Tool names are the registry's, but a bound keeps a flood of odd names from growing memory. */
const MAX_TOOLS = 1_000;
/** calls/min is averaged over this many minutes, the current one included. */
const RATE_MINUTES = 5;

interface Ring {
  calls: Uint32Array;
  failures: Uint32Array;
  /** The minute (ms since epoch / 60 000) of the newest slot. */
  minute: number;
}

/** One tool's last hour, oldest minute first; the last entry is the current, partial minute. */
export interface ToolMinutes {
  tool: string;
  calls: number[];
  failures: number[];
  /** Calls per minute over the last five minutes (the current one included). */
  callsPerMinute: number;
  /** Failed calls over calls in the hour; null without calls. */
  errorRate: number | null;
}

export interface ToolCallHistorySnapshot {
  minuteMs: number;
  /** The start of the newest minute, ISO 8601. */
  currentMinute: string;
  tools: ToolMinutes[];
}

/**
 * Per-minute counts of calls and failures for the last hour, per tool: a ring of 60 slots each,
 * cleared as the clock moves on. What the console's charts, calls/min and error rate read.
 */
export class ToolCallHistory {
  readonly #rings = new Map<string, Ring>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  record(record: Pick<ToolCallRecord, 'tool' | 'outcome'>): void {
    const minute = Math.floor(this.#now() / MINUTE_MS);
    let ring = this.#rings.get(record.tool);
    if (ring === undefined) {
      if (this.#rings.size >= MAX_TOOLS) return;
      ring = { calls: new Uint32Array(MINUTES), failures: new Uint32Array(MINUTES), minute };
      this.#rings.set(record.tool, ring);
    }
    advance(ring, minute);
    const slot = minute % MINUTES;
    ring.calls[slot] = (ring.calls[slot] ?? 0) + 1;
    if (record.outcome === 'failure') ring.failures[slot] = (ring.failures[slot] ?? 0) + 1;
  }

  snapshot(): ToolCallHistorySnapshot {
    const minute = Math.floor(this.#now() / MINUTE_MS);
    const tools: ToolMinutes[] = [];
    for (const [tool, ring] of [...this.#rings].sort(([a], [b]) => a.localeCompare(b))) {
      advance(ring, minute);
      const calls: number[] = [];
      const failures: number[] = [];
      for (let m = minute - MINUTES + 1; m <= minute; m += 1) {
        calls.push(ring.calls[m % MINUTES] ?? 0);
        failures.push(ring.failures[m % MINUTES] ?? 0);
      }
      const total = sum(calls);
      tools.push({
        tool,
        calls,
        failures,
        callsPerMinute: sum(calls.slice(-RATE_MINUTES)) / RATE_MINUTES,
        errorRate: total === 0 ? null : sum(failures) / total,
      });
    }
    return {
      minuteMs: MINUTE_MS,
      currentMinute: new Date(minute * MINUTE_MS).toISOString(),
      tools,
    };
  }
}

/** Moves the ring to `minute`, zeroing the slots of the minutes skipped (all of them after an hour). */
function advance(ring: Ring, minute: number): void {
  if (minute <= ring.minute) return;
  const skipped = Math.min(minute - ring.minute, MINUTES);
  for (let i = 1; i <= skipped; i += 1) {
    const slot = (ring.minute + i) % MINUTES;
    ring.calls[slot] = 0;
    ring.failures[slot] = 0;
  }
  ring.minute = minute;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
