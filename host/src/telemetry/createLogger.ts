import winston from 'winston';
import type { LogLevel } from '../config/Settings.js';
import { JsonLineTransport } from './JsonLineTransport.js';
import { jsonLineFormat } from './jsonLineFormat.js';
import { writeSynchronously } from './writeSynchronously.js';

/**
 * The host's structured logger: one JSON object per line (with a `timestamp`) on
 * `stream`, stdout by default. Lines below `level` cost almost nothing, and a line that
 * is written skips winston's internal stream hops (see writeSynchronously).
 */
export function createLogger(
  level: LogLevel,
  stream: NodeJS.WritableStream = process.stdout,
): winston.Logger {
  return writeSynchronously(
    winston.createLogger({
      level,
      format: jsonLineFormat(),
      transports: [new JsonLineTransport({ stream })],
    }),
  );
}
