import type winston from 'winston';

const LEVEL = Symbol.for('level');

type LogInfo = winston.Logform.TransformableInfo & { [LEVEL]?: string };

/** What winston's transports implement (winston-transport's TransportStream). */
interface TransportWrite {
  level?: string;
  _write(info: unknown, encoding: string, done: (error?: Error | null) => void): void;
}

const ignore = (): void => {};

/** winston's rule, without its allocations: some transport (or the logger) takes `level`. */
function isLevelEnabled(this: winston.Logger, level: string): boolean {
  const wanted = this.levels[level];
  if (wanted === undefined) return false;
  const transports = this.transports as unknown as TransportWrite[];
  if (transports.length === 0) return (this.levels[this.level] ?? -1) >= wanted;
  for (const transport of transports) {
    if ((this.levels[transport.level ?? this.level] ?? -1) >= wanted) return true;
  }
  return false;
}

/**
 * A winston Logger is a Transform stream piped into one Writable per transport: every
 * line crosses two object-mode stream hops and a nextTick, and is formatted before any
 * transport looks at its level. That is most of the cost of a log line. This gives the
 * logger a `write` that drops lines no transport takes first, formats the rest once and
 * hands them straight to each transport's own `_write` (which still applies the
 * transport's level, format and silence), and an allocation-free `isLevelEnabled`.
 * Child loggers, `add`/`remove`, levels and the exception handlers behave as before.
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
  for (const [name, value] of [
    ['write', write],
    ['isLevelEnabled', isLevelEnabled],
  ] as const) {
    Object.defineProperty(logger, name, { value, writable: true, configurable: true });
  }
  return logger;
}
