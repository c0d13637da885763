import winston from 'winston';

const MESSAGE = Symbol.for('message');
const safeJson = winston.format.json();

let isoMs = Number.NaN;
let iso = '';

/** `new Date().toISOString()` costs about a microsecond: reuse it within the same millisecond. */
function timestamp(): string {
  const now = Date.now();
  if (now !== isoMs) {
    isoMs = now;
    iso = new Date(now).toISOString();
  }
  return iso;
}

/**
 * One JSON object per line with a `timestamp`, serialised with the built-in
 * JSON.stringify; only values it cannot handle (cycles, BigInt) fall back to winston's
 * slower safe serialiser.
 */
export const jsonLineFormat = winston.format((info) => {
  info['timestamp'] = timestamp();
  try {
    (info as Record<symbol, unknown>)[MESSAGE] = JSON.stringify(info);
    return info;
  } catch {
    return safeJson.transform(info, safeJson.options);
  }
});
