import type { CallPolicy } from '../manifests/Manifest.js';
import type { ResolvedPolicy } from './ResolvedPolicy.js';

export const DEFAULT_POLICY: ResolvedPolicy = Object.freeze({
  timeoutMs: 5_000,
  retry: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 1_000 },
  circuitBreaker: { consecutiveFailures: 5, halfOpenAfterMs: 10_000 },
  bulkhead: { limit: 16, queue: 64 },
});

/** Fills a manifest's `policy` with the defaults. */
export function resolvePolicy(policy: CallPolicy = {}): ResolvedPolicy {
  return {
    timeoutMs: policy.timeoutMs ?? DEFAULT_POLICY.timeoutMs,
    retry: { ...DEFAULT_POLICY.retry, ...policy.retry },
    circuitBreaker: { ...DEFAULT_POLICY.circuitBreaker, ...policy.circuitBreaker },
    bulkhead: { ...DEFAULT_POLICY.bulkhead, ...policy.bulkhead },
  };
}
