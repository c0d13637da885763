import { Writable } from 'node:stream';
import winston from 'winston';

export interface LogLine {
  level: string;
  message: string;
  [field: string]: unknown;
}

export interface CapturingLogger {
  logger: winston.Logger;
  lines: LogLine[];
  /** Resolves with the first line (already logged or still to come) that matches. */
  lineMatching(matches: (line: LogLine) => boolean): Promise<LogLine>;
}

/** A winston logger whose JSON lines are kept for assertions, and can be waited for. */
export function createCapturingLogger(level = 'info'): CapturingLogger {
  const lines: LogLine[] = [];
  const waiting = new Set<{
    matches: (line: LogLine) => boolean;
    found: (line: LogLine) => void;
  }>();
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n')) {
        if (!text) continue;
        const line = JSON.parse(text) as LogLine;
        lines.push(line);
        for (const waiter of waiting) {
          if (!waiter.matches(line)) continue;
          waiting.delete(waiter);
          waiter.found(line);
        }
      }
      done();
    },
  });
  const logger = winston.createLogger({
    level,
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream })],
  });
  return {
    logger,
    lines,
    lineMatching(matches) {
      const logged = lines.find(matches);
      if (logged) return Promise.resolve(logged);
      return new Promise((found) => waiting.add({ matches, found }));
    },
  };
}
