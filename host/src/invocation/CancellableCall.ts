import type { CallContext } from '@toolhost/plugin-sdk';

/**
 * A CallContext that tells a runtime of its cancellation without an AbortSignal: a runtime
 * on the far side of a message channel only needs to send a cancel message, and making a
 * signal for every call costs more than the rest of the call's bookkeeping.
 */
export interface CancellableCall extends CallContext {
  /** `listener` runs once if the call is cancelled (its deadline passed); never after it settled. */
  onCancel(listener: (reason: Error) => void): void;
}

export function isCancellableCall(call: CallContext): call is CancellableCall {
  return typeof (call as Partial<CancellableCall>).onCancel === 'function';
}
