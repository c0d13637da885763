import Transport from 'winston-transport';

const MESSAGE = Symbol.for('message');

export interface JsonLineTransportOptions extends Transport.TransportStreamOptions {
  stream: NodeJS.WritableStream;
}

/**
 * Writes each formatted line and a newline to a stream. Unlike winston's Stream
 * transport it does not schedule a `setImmediate` per line to emit `logged`: it emits
 * it at once, and only when someone listens.
 */
export class JsonLineTransport extends Transport {
  readonly #stream: NodeJS.WritableStream;

  constructor({ stream, ...options }: JsonLineTransportOptions) {
    super(options);
    this.#stream = stream;
  }

  override log(info: Record<symbol, unknown>, next: () => void): void {
    this.#stream.write(`${String(info[MESSAGE])}\n`);
    if (this.listenerCount('logged') > 0) this.emit('logged', info);
    next();
  }
}
