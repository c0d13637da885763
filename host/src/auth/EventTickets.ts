import { createHash, randomBytes } from 'node:crypto';

export interface EventTicketsOptions {
  /** How long a ticket may wait for its stream. */
  ttlMs?: number;
  /** Tickets outstanding at most; the oldest is dropped to make room. */
  max?: number;
  now?: () => number;
}

export interface IssuedTicket {
  ticket: string;
  expiresAt: string;
}

interface Held {
  owner: string;
  expires: number;
}

const hash = (ticket: string) => createHash('sha256').update(ticket).digest('hex');

/**
 * Short-lived, single-use tickets for the console's event stream: EventSource cannot send an
 * Authorization header, so the page trades its key for a ticket (POST with the key) and
 * opens the stream with the ticket in the query. A ticket is worth one stream, for a few
 * seconds, and only its hash is kept.
 */
export class EventTickets {
  readonly #held = new Map<string, Held>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: EventTicketsOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#max = options.max ?? 1_000;
    this.#now = options.now ?? Date.now;
  }

  /** A new ticket for the key named `owner`. */
  issue(owner: string): IssuedTicket {
    const now = this.#now();
    for (const [id, held] of this.#held) if (held.expires <= now) this.#held.delete(id);
    while (this.#held.size >= this.#max) {
      const oldest = this.#held.keys().next().value;
      if (oldest === undefined) break;
      this.#held.delete(oldest);
    }
    const ticket = randomBytes(32).toString('base64url');
    const expires = now + this.#ttlMs;
    this.#held.set(hash(ticket), { owner, expires });
    return { ticket, expiresAt: new Date(expires).toISOString() };
  }

  /** The owner of a ticket not yet used nor expired, which is used up by this; null otherwise. */
  redeem(ticket: string): string | null {
    if (ticket.length === 0 || ticket.length > 100) return null;
    const id = hash(ticket);
    const held = this.#held.get(id);
    if (held === undefined) return null;
    this.#held.delete(id);
    return held.expires > this.#now() ? held.owner : null;
  }

  get outstanding(): number {
    return this.#held.size;
  }
}
