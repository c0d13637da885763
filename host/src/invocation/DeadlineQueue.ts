import { MAX_TIMER_MS, type Clock } from './Clock.js';

/** The signal of a call that can no longer time out; one for the whole process. */
export const neverAborted: AbortSignal = new AbortController().signal;

/**
 * One attempt's deadline. Its AbortSignal exists only once a tool asks for it: most
 * calls finish long before their deadline, and an AbortController costs more than the
 * rest of the deadline bookkeeping together.
 */
export class Deadline {
  settled = false;
  expired = false;
  #controller: AbortController | null = null;
  #listeners: Array<(reason: Error) => void> | null = null;

  constructor(
    readonly expiresAt: number,
    private readonly timeoutMs: number,
    private readonly onExpire: () => void,
  ) {}

  get signal(): AbortSignal {
    if (this.#controller === null) {
      if (this.settled && !this.expired) return neverAborted;
      this.#controller = new AbortController();
      if (this.expired) this.#controller.abort(this.#reason());
    }
    return this.#controller.signal;
  }

  /** Runs `listener` when the deadline expires (at once if it has); never once it settled in time. */
  onExpired(listener: (reason: Error) => void): void {
    if (this.expired) listener(this.#reason());
    else if (!this.settled) (this.#listeners ??= []).push(listener);
  }

  expire(): void {
    this.expired = true;
    this.settled = true;
    const reason = this.#reason();
    this.#controller?.abort(reason);
    const listeners = this.#listeners;
    this.#listeners = null;
    if (listeners) for (const listener of listeners) listener(reason);
    this.onExpire();
  }

  #reason(): DOMException {
    return new DOMException(`The call timed out after ${this.timeoutMs} ms`, 'TimeoutError');
  }
}

/**
 * Deadlines that all share one duration, so they expire in the order they were added.
 * One timer serves the whole queue: it is armed for the oldest live deadline, settled
 * deadlines are dropped lazily, and it is re-armed only when it fires. While nothing is
 * pending the timer is unref'd so it never holds the process open.
 */
export class DeadlineQueue {
  #items: Deadline[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | null = null;
  #referenced = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly clock: Clock,
  ) {}

  /** Starts a deadline `timeoutMs` from now; `onExpire` runs if it is not settled by then. */
  add(onExpire: () => void): Deadline {
    const deadline = new Deadline(this.clock.now() + this.timeoutMs, this.timeoutMs, onExpire);
    this.#items.push(deadline);
    if (this.#timer === null) {
      this.#arm(this.timeoutMs);
    } else if (!this.#referenced) {
      this.#timer.ref();
      this.#referenced = true;
    }
    return deadline;
  }

  /**
   * Whether the deadline passed without its timer firing: a tool that blocked the thread
   * past it kept the timer from running, and its answer is too late to count.
   */
  overdue(deadline: Deadline): boolean {
    return !deadline.settled && this.clock.now() >= deadline.expiresAt;
  }

  /** The call finished in time: its deadline will not fire. */
  settle(deadline: Deadline): void {
    deadline.settled = true;
    const items = this.#items;
    while (this.#head < items.length && items[this.#head]!.settled) this.#head++;
    if (this.#head === items.length) {
      items.length = 0;
      this.#head = 0;
      if (this.#referenced && this.#timer !== null) {
        this.#timer.unref();
        this.#referenced = false;
      }
    } else if (this.#head > 1024 && this.#head * 2 > items.length) {
      this.#items = items.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Deadlines not yet settled or expired. */
  get pending(): number {
    let count = 0;
    for (let i = this.#head; i < this.#items.length; i++) if (!this.#items[i]!.settled) count++;
    return count;
  }

  #arm(delayMs: number): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(this.#fire, Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(delayMs))));
    this.#referenced = true;
  }

  #fire = (): void => {
    this.#timer = null;
    this.#referenced = false;
    const now = this.clock.now();
    // Step past each deadline before expiring it and re-read the fields every turn: abort
    // listeners run synchronously and may add or settle deadlines meanwhile.
    while (this.#head < this.#items.length) {
      const deadline = this.#items[this.#head]!;
      if (!deadline.settled && deadline.expiresAt > now) break;
      this.#head++;
      if (!deadline.settled) deadline.expire();
    }
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    } else {
      this.#arm(this.#items[this.#head]!.expiresAt - now);
    }
  };
}
