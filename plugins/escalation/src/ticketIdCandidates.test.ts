import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ticketIdCandidates } from './ticketIdCandidates.js';

describe('ticketIdCandidates', () => {
  it('derives the id from sha256 of the request id, short first', () => {
    const hex = createHash('sha256').update('req-1').digest('hex').toUpperCase();
    expect(ticketIdCandidates('req-1')).toEqual([
      `TCK-${hex.slice(0, 10)}`,
      `TCK-${hex.slice(0, 16)}`,
      `TCK-${hex}`,
    ]);
  });

  it('gives the same request the same ids and other requests other ids', () => {
    expect(ticketIdCandidates('a')).toEqual(ticketIdCandidates('a'));
    expect(ticketIdCandidates('a')[0]).not.toBe(ticketIdCandidates('b')[0]);
    expect(ticketIdCandidates('a')[0]).toMatch(/^TCK-[0-9A-F]{10}$/);
  });
});
