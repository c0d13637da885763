import type { ToolErrorCode, ToolResult } from '@toolhost/plugin-sdk';
import { handleWhenResult, retry } from 'cockatiel';
import { growingJitterBackoff } from './GrowingJitterBackoff.js';
import type { Policy } from './Policy.js';
import type { ResolvedPolicy } from './ResolvedPolicy.js';

/** Failures worth another try: the next attempt may well succeed. */
const TRANSIENT: ReadonlySet<ToolErrorCode> = new Set(['timeout', 'upstream_error']);

export function isTransientFailure(result: unknown): boolean {
  const code = (result as ToolResult).errorCode;
  return (result as ToolResult).success === false && code !== undefined && TRANSIENT.has(code);
}

/**
 * Retries transient failures with growing, jittered delays, up to `maxAttempts` attempts
 * in all. The invoker applies it only to tools annotated `idempotent: true`.
 */
export function retryPolicy(
  { maxAttempts, initialDelayMs, maxDelayMs }: ResolvedPolicy['retry'],
  random: () => number = Math.random,
): Policy {
  const retries = retry(handleWhenResult(isTransientFailure), {
    maxAttempts: maxAttempts - 1,
    backoff: growingJitterBackoff(initialDelayMs, maxDelayMs, random),
  });
  return (next) => (call) =>
    next(call).then((first) => {
      if (!isTransientFailure(first)) return first;
      // Most calls succeed at once, so the first attempt runs outside cockatiel; when it
      // failed, cockatiel replays that answer as its attempt 0 and runs the retries.
      return retries.execute(({ attempt }) => {
        if (attempt === 0) return first;
        call.attempt = attempt + 1;
        return next(call);
      });
    });
}
