import winston from 'winston';
import type { LogLevel } from '../config/Settings.js';

/** The host's structured JSON logger (one line per event, to stdout). */
export function createLogger(
  level: LogLevel,
  stream: NodeJS.WritableStream = process.stdout,
): winston.Logger {
  return winston.createLogger({
    level,
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Stream({ stream })],
  });
}
