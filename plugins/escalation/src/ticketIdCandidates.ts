import { createHash } from 'node:crypto';

const LENGTHS = [10, 16, 64] as const;

/**
 * The ticket ids a request may get, in order of preference: `TCK-` and the first 10
 * hex digits of sha256(requestId), uppercased; longer prefixes only if a shorter id is
 * already taken by another request (a 40-bit collision).
 */
export function ticketIdCandidates(requestId: string): string[] {
  const digest = createHash('sha256').update(requestId, 'utf8').digest('hex').toUpperCase();
  return LENGTHS.map((length) => `TCK-${digest.slice(0, length)}`);
}
