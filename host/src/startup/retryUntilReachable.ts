import type { Logger } from 'winston';
import { HostError, isHostError } from '../errors.js';
import { abortable, sleep } from './abortable.js';

export interface RetryUntilReachableOptions {
  /** What is being reached, as the log lines name it: `database`, `redis`. */
  what: string;
  /** Give up once this much time has gone by since the first attempt (0: one attempt). */
  timeoutMs: number;
  logger: Logger;
  /** Which failures mean "not reachable yet"; any other is thrown at once. */
  retryable(error: unknown): boolean;
  /** Stops waiting (and retrying) at once: SIGTERM or SIGINT during start-up. */
  signal?: AbortSignal | undefined;
  /** Epoch milliseconds; defaults to `Date.now`. */
  now?: () => number;
}

/** The first wait; each next one doubles, up to MAX_DELAY_MS. */
export const FIRST_DELAY_MS = 250;
export const MAX_DELAY_MS = 5_000;

/**
 * Runs `attempt` until it succeeds, retrying failures that `retryable` accepts with
 * doubling waits and one warn line per failed attempt, for at most `timeoutMs`. A supervisor
 * then sees a clear exit instead of a host that hangs or dies at the first refused connection.
 * @throws the last failure when time is up; a HostError gets the attempts added to its
 *   message. The signal's reason when it aborts.
 */
export async function retryUntilReachable<T>(
  attempt: () => Promise<T>,
  options: RetryUntilReachableOptions,
): Promise<T> {
  const { what, timeoutMs, logger, signal } = options;
  const now = options.now ?? Date.now;
  const started = now();
  let delay = FIRST_DELAY_MS;
  for (let attempts = 1; ; attempts++) {
    try {
      return await abortable(attempt(), signal);
    } catch (error) {
      if (signal?.aborted || !options.retryable(error)) throw error;
      const elapsed = now() - started;
      const wait = Math.min(delay, MAX_DELAY_MS);
      const reason = error instanceof Error ? error.message : String(error);
      if (elapsed + wait > timeoutMs) {
        logger.error(`start-up: ${what} unreachable, giving up`, {
          attempt: attempts,
          elapsed_ms: elapsed,
          error: reason,
        });
        throw gaveUp(error, attempts, elapsed);
      }
      logger.warn(`start-up: ${what} unreachable, retrying`, {
        attempt: attempts,
        retry_in_ms: wait,
        error: reason,
      });
      await sleep(wait, signal);
      delay *= 2;
    }
  }
}

function gaveUp(error: unknown, attempts: number, elapsedMs: number): unknown {
  if (!isHostError(error)) return error;
  const tried = `gave up after ${attempts} attempt${attempts === 1 ? '' : 's'} in ${Math.round(elapsedMs / 100) / 10} s (TOOLHOST_STARTUP_TIMEOUT_MS)`;
  const details = error.params['details'];
  return new HostError(
    error.code,
    { ...error.params, details: details === undefined ? tried : `${details}; ${tried}` },
    { cause: error },
  );
}
