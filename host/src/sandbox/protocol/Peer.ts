import { exceedsDepth } from './frameDepth.js';
import type { InboundBudget } from './InboundBudget.js';
import { IncomingCall } from './IncomingCall.js';
import type { CallMessage, Message, NoteMessage } from './messages.js';
import { ProtocolError } from './ProtocolError.js';
import { decodeError, encodeError, type ErrorRebuild } from './wireError.js';

// Taken when this module is evaluated, before any plugin code runs in its realm: a plugin
// that replaces JSON.parse or JSON.stringify does not reach the protocol through them.
const { parse, stringify } = JSON;

/** The largest frame either side sends or accepts, in UTF-8 bytes. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;
/** How deep a frame may nest (see exceedsDepth). */
export const MAX_FRAME_DEPTH = 64;
const MAX_MESSAGES_PER_FRAME = 10_000;
const MAX_METHOD_LENGTH = 64;

/** Answers a call: a value, or a promise of one; what it throws goes back as an error. */
export type Handler = (args: readonly unknown[], call: IncomingCall) => unknown;
/** Takes a notification; nobody hears of what it throws. */
export type NoteHandler = (args: readonly unknown[]) => void;

/** Tells a call of its cancellation; may return a function that stops listening. */
export interface Cancellation {
  onCancel(listener: (reason: unknown) => void): (() => void) | void;
}

/** Moves one encoded frame to the other side. */
export interface Transport {
  send(frame: string): void;
}

export interface PeerOptions {
  handlers?: Readonly<Record<string, Handler>>;
  notes?: Readonly<Record<string, NoteHandler>>;
  /** How errors from the other side are rebuilt with this side's classes. */
  rebuild: ErrorRebuild;
  /** Whether this side answers heartbeats (the plugin side does; the host never needs to). */
  answersPings?: boolean;
  /** A malformed frame; by default the peer closes. The host kills the runtime. */
  onViolation?: (error: ProtocolError) => void;
  /** How much the other side may send per second; more is a violation. */
  budget?: InboundBudget;
}

interface Pending {
  resolve(value: unknown): void;
  reject(reason: unknown): void;
  at: number;
  unsubscribe: (() => void) | undefined;
}

/**
 * One end of the plugin-runtime protocol (DESIGN section 7), the same on both sides: either
 * side calls methods the other handles (host → plugin: load, start, invoke, health, stop;
 * plugin → host: the capability calls), many in flight at once, each answered by its id.
 *
 * - Batching: messages queued while the event loop turns go out as one frame; a lone call
 *   goes at the end of the current microtask checkpoint (lowest latency), while others are
 *   in flight the frame waits for the end of the loop turn, so calls started by separate
 *   I/O callbacks share it (fewest wakeups of the other side).
 * - Cancel: the caller's promise rejects at once and a cancel message goes out; the call
 *   stays counted in `running` until the other side's late answer arrives, since it may
 *   still be running there (a spinning plugin must stay visible to the hang watchdog).
 * - Untrusted input: `receive` never throws. Frames that are too big, too deep, not JSON or
 *   not messages go to `onViolation`; unknown methods are answered with an error; replies
 *   to ids never issued are ignored.
 */
export class Peer {
  readonly #transport: Transport;
  readonly #handlers: Readonly<Record<string, Handler>>;
  readonly #notes: Readonly<Record<string, NoteHandler>>;
  readonly #rebuild: ErrorRebuild;
  readonly #answersPings: boolean;
  readonly #onViolation: (error: ProtocolError) => void;
  readonly #budget: InboundBudget | null;
  #outbox: Message[] = [];
  #flushScheduled = false;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  /** Calls cancelled here that the other side has not answered yet, with when they started. */
  readonly #abandoned = new Map<number, number>();
  readonly #incoming = new Map<number, IncomingCall>();
  readonly #pings = new Map<number, { resolve(): void; reject(reason: unknown): void }>();
  #nextPing = 1;
  #closed: Error | null = null;
  #idle: Array<() => void> = [];

  /** Frames sent and received so far (how well batching works). */
  readonly stats = { framesOut: 0, framesIn: 0 };

  constructor(transport: Transport, options: PeerOptions) {
    this.#transport = transport;
    this.#handlers = options.handlers ?? {};
    this.#notes = options.notes ?? {};
    this.#rebuild = options.rebuild;
    this.#answersPings = options.answersPings ?? true;
    this.#onViolation = options.onViolation ?? ((error) => this.close(error));
    this.#budget = options.budget ?? null;
  }

  /** Calls this side made that the other side is still running, cancelled ones included. */
  get running(): number {
    return this.#pending.size + this.#abandoned.size;
  }

  /** Calls of the other side this side is handling now. */
  get handling(): number {
    return this.#incoming.size;
  }

  get closed(): boolean {
    return this.#closed !== null;
  }

  /** When (performance.now()) the oldest call still running on the other side was made. */
  oldestCallStartedAt(): number {
    let oldest = Infinity;
    for (const entry of this.#pending.values()) {
      oldest = entry.at;
      break;
    }
    for (const at of this.#abandoned.values()) if (at < oldest) oldest = at;
    return oldest;
  }

  /** Resolves once nothing this side called is running on the other side (or it closed). */
  whenIdle(): Promise<void> {
    if (this.running === 0 || this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /**
   * Calls `method` on the other side. Rejects with the other side's error (rebuilt), with the
   * reason at once when `cancellation` fires, or with the close reason when the channel ends.
   */
  call(method: string, args: unknown[], cancellation?: Cancellation): Promise<unknown> {
    if (this.#closed) return Promise.reject(this.#closed);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const entry: Pending = { resolve, reject, at: performance.now(), unsubscribe: undefined };
      this.#pending.set(id, entry);
      this.#queue({ k: 'call', id, m: method, a: args });
      if (cancellation === undefined) return;
      const off = cancellation.onCancel((reason) => {
        if (this.#pending.get(id) !== entry) return;
        this.#pending.delete(id);
        this.#abandoned.set(id, entry.at);
        this.#queue({ k: 'cancel', id });
        reject(reason);
      });
      if (typeof off === 'function') {
        if (this.#pending.get(id) === entry) entry.unsubscribe = off;
        else off();
      }
    });
  }

  /** A notification (a log line); dropped once the channel closed. */
  notify(method: string, args: unknown[]): void {
    if (!this.#closed) this.#queue({ k: 'note', m: method, a: args });
  }

  /** Resolves when the other side's event loop answers; a side stuck in synchronous code never does. */
  ping(): Promise<void> {
    if (this.#closed) return Promise.reject(this.#closed);
    const n = this.#nextPing++;
    return new Promise((resolve, reject) => {
      this.#pings.set(n, { resolve, reject });
      this.#queue({ k: 'ping', n });
    });
  }

  /** Feeds one frame from the transport. */
  receive(text: string): void {
    if (this.#closed) return;
    if (text.length > MAX_FRAME_BYTES) {
      this.#violation('a frame is too large');
      return;
    }
    if (this.#budget !== null && !this.#budget.take(text.length, 0)) {
      this.#violation('it sends more bytes a second than the host accepts');
      return;
    }
    if (exceedsDepth(text, MAX_FRAME_DEPTH)) {
      this.#violation(`a frame nests deeper than ${MAX_FRAME_DEPTH}`);
      return;
    }
    let frame: unknown;
    try {
      frame = parse(text);
    } catch {
      this.#violation('a frame is not JSON');
      return;
    }
    if (!Array.isArray(frame)) {
      this.#violation('a frame must be an array');
      return;
    }
    if (frame.length > MAX_MESSAGES_PER_FRAME) {
      this.#violation(`a frame holds more than ${MAX_MESSAGES_PER_FRAME} messages`);
      return;
    }
    if (this.#budget !== null && !this.#budget.take(0, frame.length)) {
      this.#violation('it sends more messages a second than the host accepts');
      return;
    }
    this.stats.framesIn++;
    for (const message of frame as unknown[]) {
      if (this.#closed || !this.#dispatch(message)) return;
    }
  }

  /** A frame the transport could not read (a bad length, bytes that are no frame). */
  refuse(details: string): void {
    if (!this.#closed) this.#violation(details);
  }

  /** The channel is gone: every pending call rejects with `reason`, new calls too. */
  close(reason: Error): void {
    if (this.#closed) return;
    this.#closed = reason;
    for (const entry of this.#pending.values()) {
      entry.unsubscribe?.();
      entry.reject(reason);
    }
    this.#pending.clear();
    this.#abandoned.clear();
    for (const call of this.#incoming.values()) call.cancel();
    this.#incoming.clear();
    for (const ping of this.#pings.values()) ping.reject(reason);
    this.#pings.clear();
    this.#outbox = [];
    this.#settleIdle();
  }

  /** Sends what is queued now (normally scheduled, see the class comment). */
  flush(): void {
    this.#flushScheduled = false;
    if (this.#outbox.length === 0 || this.#closed) return;
    const frame = this.#outbox;
    this.#outbox = [];
    for (const text of this.#encode(frame)) {
      this.stats.framesOut++;
      try {
        this.#transport.send(text);
      } catch (error) {
        this.close(new ProtocolError('closed', `sending failed: ${(error as Error).message}`));
        return;
      }
    }
  }

  readonly #scheduledFlush = (): void => this.flush();

  #queue(message: Message): void {
    this.#outbox.push(message);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    if (this.#pending.size + this.#incoming.size <= 1) queueMicrotask(this.#scheduledFlush);
    else setImmediate(this.#scheduledFlush);
  }

  /** The frame as JSON texts within MAX_FRAME_BYTES; messages that cannot cross are answered here. */
  #encode(frame: Message[]): string[] {
    try {
      const text = stringify(frame);
      if (fits(text)) return [text];
    } catch {
      // one of the messages is not JSON: sort them out one by one below
    }
    const texts: string[] = [];
    let parts: string[] = [];
    let bytes = 2;
    for (const message of frame) {
      const json = this.#encodeOne(message);
      if (json === null) continue;
      const size = Buffer.byteLength(json) + 1;
      if (parts.length > 0 && bytes + size > MAX_FRAME_BYTES) {
        texts.push(`[${parts.join(',')}]`);
        parts = [];
        bytes = 2;
      }
      parts.push(json);
      bytes += size;
    }
    if (parts.length > 0) texts.push(`[${parts.join(',')}]`);
    return texts;
  }

  /** One message as JSON, or its stand-in: an answer becomes an error, a call is refused here. */
  #encodeOne(message: Message): string | null {
    let problem: string;
    try {
      const json = stringify(message);
      if (fits(json, 2)) return json;
      problem = `it is larger than ${MAX_FRAME_BYTES} bytes`;
    } catch (error) {
      problem = `it is not JSON (${(error as Error).message})`;
    }
    const refusal = new ProtocolError('not_serializable', `The message cannot be sent: ${problem}`);
    if (message.k === 'ok') {
      return stringify({ k: 'err', id: message.id, e: encodeError(refusal) });
    }
    if (message.k === 'call') {
      const entry = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      entry?.unsubscribe?.();
      entry?.reject(refusal);
      this.#settleIdle();
    }
    return null;
  }

  /** Handles one message; false when it broke the protocol (the rest of its frame is dropped). */
  #dispatch(message: unknown): boolean {
    if (typeof message !== 'object' || message === null) {
      return this.#violation('a message must be an object');
    }
    const m = message as Record<string, unknown>;
    switch (m['k']) {
      case 'call':
        return this.#onCall(m);
      case 'ok':
      case 'err':
        return this.#onReply(m);
      case 'note':
        return this.#onNote(m);
      case 'cancel':
        if (!isId(m['id'])) return this.#violation('a cancel needs a numeric id');
        this.#incoming.get(m['id'])?.cancel();
        return true;
      case 'ping':
        if (!this.#answersPings) return this.#violation('this side takes no pings');
        if (!isId(m['n'])) return this.#violation('a ping needs a number');
        this.#queue({ k: 'pong', n: m['n'] });
        return true;
      case 'pong': {
        const ping = isId(m['n']) ? this.#pings.get(m['n']) : undefined;
        if (ping === undefined) return true;
        this.#pings.delete(m['n'] as number);
        ping.resolve();
        return true;
      }
      default:
        return this.#violation(`unknown message kind ${String(m['k']).slice(0, 32)}`);
    }
  }

  #onCall(m: Record<string, unknown>): boolean {
    const { id, m: method, a: args } = m as Partial<CallMessage>;
    if (!isId(id) || typeof method !== 'string' || !Array.isArray(args)) {
      return this.#violation('a call needs a numeric id, a method name and an args array');
    }
    if (this.#incoming.has(id)) return this.#violation(`call id ${id} is already running`);
    const handler = Object.hasOwn(this.#handlers, method) ? this.#handlers[method] : undefined;
    if (handler === undefined) {
      const unknown = new ProtocolError(
        'unknown_method',
        `No method '${method.slice(0, MAX_METHOD_LENGTH)}'`,
      );
      this.#queue({ k: 'err', id, e: encodeError(unknown) });
      return true;
    }
    const call = new IncomingCall(id);
    this.#incoming.set(id, call);
    let result: unknown;
    let later: Promise<unknown> | null = null;
    try {
      result = handler(args, call);
      if (isThenable(result)) later = Promise.resolve(result);
    } catch (error) {
      this.#answer(call, { k: 'err', id, e: encodeError(error) });
      return true;
    }
    if (later === null) {
      this.#answer(call, { k: 'ok', id, v: result });
    } else {
      later.then(
        (value) => this.#answer(call, { k: 'ok', id, v: value }),
        (error: unknown) => this.#answer(call, { k: 'err', id, e: encodeError(error) }),
      );
    }
    return true;
  }

  #answer(call: IncomingCall, message: Message): void {
    if (this.#incoming.get(call.id) !== call) return;
    this.#incoming.delete(call.id);
    // Sent when cancelled too: the caller counts the call as running until it arrives.
    this.#queue(message);
  }

  #onReply(m: Record<string, unknown>): boolean {
    const id = m['id'];
    if (!isId(id)) return this.#violation('a reply needs a numeric id');
    const entry = this.#pending.get(id);
    if (entry === undefined) {
      if (this.#abandoned.delete(id)) this.#settleIdle();
      return true;
    }
    this.#pending.delete(id);
    entry.unsubscribe?.();
    if (m['k'] === 'ok') entry.resolve(m['v']);
    else entry.reject(decodeError(m['e'], this.#rebuild));
    this.#settleIdle();
    return true;
  }

  #onNote(m: Record<string, unknown>): boolean {
    const { m: method, a: args } = m as Partial<NoteMessage>;
    if (typeof method !== 'string' || !Array.isArray(args)) {
      return this.#violation('a note needs a method name and an args array');
    }
    const handler = Object.hasOwn(this.#notes, method) ? this.#notes[method] : undefined;
    try {
      handler?.(args);
    } catch {
      // a notification has nobody to answer to
    }
    return true;
  }

  #settleIdle(): void {
    if (this.#idle.length === 0 || (this.running > 0 && !this.#closed)) return;
    const waiting = this.#idle;
    this.#idle = [];
    for (const resolve of waiting) resolve();
  }

  #violation(details: string): false {
    this.#onViolation(new ProtocolError('bad_frame', details));
    return false;
  }
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Whether a JSON text stays within MAX_FRAME_BYTES (minus `reserve` bytes) as UTF-8. */
function fits(text: string, reserve = 0): boolean {
  const limit = MAX_FRAME_BYTES - reserve;
  return text.length * 3 <= limit || Buffer.byteLength(text) <= limit;
}
