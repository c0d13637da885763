/**
 * How much one side accepts from the other per second, as a token bucket each for bytes and
 * for messages: a runtime that floods its channel (frames of replies to nothing, pings, log
 * notes) would otherwise spend the host's own thread parsing them.
 */
export class InboundBudget {
  #bytes: number;
  #messages: number;
  #at: number;

  constructor(
    private readonly bytesPerSecond: number,
    private readonly messagesPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#bytes = bytesPerSecond;
    this.#messages = messagesPerSecond;
    this.#at = now();
  }

  /** Takes `bytes` and `messages` from the budget; false (and nothing taken) when over it. */
  take(bytes: number, messages: number): boolean {
    const now = this.now();
    const seconds = (now - this.#at) / 1000;
    this.#at = now;
    this.#bytes = Math.min(this.bytesPerSecond, this.#bytes + seconds * this.bytesPerSecond);
    this.#messages = Math.min(
      this.messagesPerSecond,
      this.#messages + seconds * this.messagesPerSecond,
    );
    if (bytes > this.#bytes || messages > this.#messages) return false;
    this.#bytes -= bytes;
    this.#messages -= messages;
    return true;
  }
}

/** What the host accepts from one plugin runtime. */
export const RUNTIME_INBOUND = { bytesPerSecond: 32 * 1024 * 1024, messagesPerSecond: 500_000 };
