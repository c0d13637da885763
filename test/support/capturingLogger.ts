import { Writable } from 'node:stream';
import winston from 'winston';

export interface LogLine {
  level: string;
  message: string;
  [field: string]: unknown;
}

/** A winston logger whose JSON lines are kept for assertions. */
export function createCapturingLogger(level = 'info'): {
  logger: winston.Logger;
  lines: LogLine[];
} {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n'))
        if (line) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const logger = winston.createLogger({
    level,
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream })],
  });
  return { logger, lines };
}
