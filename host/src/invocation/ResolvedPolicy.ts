/** A manifest's `policy` with every default filled in. */
export interface ResolvedPolicy {
  timeoutMs: number;
  retry: { maxAttempts: number; initialDelayMs: number; maxDelayMs: number };
  circuitBreaker: { consecutiveFailures: number; halfOpenAfterMs: number };
  bulkhead: { limit: number; queue: number };
}
