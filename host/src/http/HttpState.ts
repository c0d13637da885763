/** What the middleware puts on `ctx.state` for the handlers after it. */
export interface HttpState {
  requestId: string;
}
