// The messages of the plugin-runtime protocol (DESIGN section 7). Both sides speak the same
// set; `id` numbers the sender's own calls, so calls in the two directions never collide.
// Everything is plain JSON: a frame is one JSON array of messages.

/** A request: `m` names the method, `a` holds its plain-data arguments. */
export interface CallMessage {
  k: 'call';
  id: number;
  m: string;
  a: unknown[];
}

/** A notification (a log line): no answer. */
export interface NoteMessage {
  k: 'note';
  m: string;
  a: unknown[];
}

/** The result of the receiver's call `id`. */
export interface OkMessage {
  k: 'ok';
  id: number;
  v?: unknown;
}

/** The failure of the receiver's call `id`. */
export interface ErrMessage {
  k: 'err';
  id: number;
  e: WireError;
}

/** The sender gave up its call `id`; the handler's `call.signal` aborts. */
export interface CancelMessage {
  k: 'cancel';
  id: number;
}

/** Heartbeat, answered by the protocol layer itself, so it shows the event loop turns. */
export interface PingMessage {
  k: 'ping';
  n: number;
}

export interface PongMessage {
  k: 'pong';
  n: number;
}

export type Message =
  CallMessage | NoteMessage | OkMessage | ErrMessage | CancelMessage | PingMessage | PongMessage;

/**
 * A thrown value as plain data. A ToolError keeps its `toolErrorCode`, a coded error its
 * `code` and `params`; strings are capped (see encodeError).
 */
export interface WireError {
  name: string;
  message: string;
  toolErrorCode?: string;
  code?: string;
  params?: Record<string, string | number>;
  stack?: string;
}
