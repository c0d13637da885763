import winston from 'winston';

const MESSAGE = Symbol.for('message');

/**
 * winston's Stream transport for one JSON line per entry, without the `setImmediate`
 * it schedules for every line to emit `logged`: that is emitted at once, and only when
 * someone listens.
 */
export class JsonLineTransport extends winston.transports.Stream {
  readonly #stream: NodeJS.WritableStream;

  constructor(options: { stream: NodeJS.WritableStream; level?: string }) {
    super(options);
    this.#stream = options.stream;
  }

  override log(info: Record<symbol, unknown>, next: () => void): void {
    this.#stream.write(`${String(info[MESSAGE])}\n`);
    if (this.listenerCount('logged') > 0) this.emit('logged', info);
    next();
  }
}
