/**
 * A call the other side made, as its handler sees it. The AbortSignal is made on first use
 * of `signal`: most handlers never read it, and an AbortController per call costs more than
 * the rest of the call's bookkeeping.
 */
export class IncomingCall {
  readonly id: number;
  #controller: AbortController | null = null;
  #cancelled = false;

  constructor(id: number) {
    this.id = id;
  }

  /** Aborts when the caller cancels the call or the channel closes. */
  get signal(): AbortSignal {
    if (this.#controller === null) {
      this.#controller = new AbortController();
      if (this.#cancelled) this.#controller.abort(cancelReason());
    }
    return this.#controller.signal;
  }

  get cancelled(): boolean {
    return this.#cancelled;
  }

  cancel(): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#controller?.abort(cancelReason());
  }
}

function cancelReason(): Error {
  const reason = new Error('The caller cancelled the call');
  reason.name = 'AbortError';
  return reason;
}
