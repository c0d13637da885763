import type { Principal } from '../auth/Principal.js';

/** What the middleware puts on `ctx.state` for the handlers after it. */
export interface HttpState {
  requestId: string;
  /** Who is calling; set by `requireScope` on the routes that need a key. */
  principal?: Principal;
  /** What the route adds to the request's one access-log line (the message's outcome). */
  logFields?: Readonly<Record<string, unknown>>;
}
