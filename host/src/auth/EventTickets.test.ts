import { describe, expect, it } from 'vitest';
import { EventTickets } from './EventTickets.js';

function clocked(options: { ttlMs?: number; max?: number } = {}) {
  const state = { now: 1_000_000 };
  return { state, tickets: new EventTickets({ ...options, now: () => state.now }) };
}

describe('EventTickets', () => {
  it('a ticket names its owner once: a second redeem finds nothing', () => {
    const { tickets } = clocked();
    const { ticket } = tickets.issue('ops');
    expect(tickets.redeem(ticket)).toBe('ops');
    expect(tickets.redeem(ticket)).toBeNull();
  });

  it('an expired ticket is refused and forgotten', () => {
    const { state, tickets } = clocked({ ttlMs: 5_000 });
    const issued = tickets.issue('ops');
    expect(issued.expiresAt).toBe(new Date(1_005_000).toISOString());
    state.now += 5_000;
    expect(tickets.redeem(issued.ticket)).toBeNull();
    expect(tickets.outstanding).toBe(0);
  });

  it('refuses tickets it never issued, empty ones and oversized ones', () => {
    const { tickets } = clocked();
    tickets.issue('ops');
    expect(tickets.redeem('')).toBeNull();
    expect(tickets.redeem('x'.repeat(43))).toBeNull();
    expect(tickets.redeem('y'.repeat(10_000))).toBeNull();
  });

  it('tickets are unguessable: 256 random bits, all different', () => {
    const { tickets } = clocked();
    const seen = new Set(Array.from({ length: 100 }, () => tickets.issue('ops').ticket));
    expect(seen.size).toBe(100);
    for (const ticket of seen) expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('holds at most max tickets, dropping the oldest, and sweeps expired ones on issue', () => {
    const { state, tickets } = clocked({ max: 3, ttlMs: 10_000 });
    const first = tickets.issue('a');
    tickets.issue('b');
    tickets.issue('c');
    const fourth = tickets.issue('d');
    expect(tickets.outstanding).toBe(3);
    expect(tickets.redeem(first.ticket)).toBeNull();
    expect(tickets.redeem(fourth.ticket)).toBe('d');
    state.now += 10_000;
    tickets.issue('e');
    expect(tickets.outstanding).toBe(1);
  });
});
