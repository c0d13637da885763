import type winston from 'winston';

const LEVEL = Symbol.for('level');

interface LogInfo {
  [LEVEL]?: string;
  level: string;
  [key: string]: unknown;
}

/** What winston's transports implement (winston-transport's TransportStream). */
interface TransportWrite {
  _write(info: unknown, encoding: string, done: (error?: Error | null) => void): void;
}

const ignore = (): void => {};

/**
 * A winston Logger is a Transform stream piped into one Writable per transport: every
 * line crosses two object-mode stream hops and a nextTick, and is formatted before any
 * transport looks at its level. That is most of the cost of a log line. This gives the
 * logger a `write` that drops lines below every transport's level first, formats the rest
 * once and hands them straight to each transport's own `_write` (which still applies the
 * transport's level, format and silence). Child loggers, `add`/`remove`, levels and the
 * exception handlers behave as before.
 */
export function writeSynchronously(logger: winston.Logger): winston.Logger {
  function write(this: winston.Logger, info: LogInfo): boolean {
    if (this.silent) return true;
    const level = (info[LEVEL] ??= info.level);
    if (!this.isLevelEnabled(level)) return true;
    const formatted: unknown = this.format.transform(info, this.format.options);
    if (!formatted) return true;
    for (const transport of this.transports as unknown as TransportWrite[]) {
      transport._write(formatted, 'utf8', ignore);
    }
    return true;
  }
  Object.defineProperty(logger, 'write', { value: write, writable: true, configurable: true });
  return logger;
}
