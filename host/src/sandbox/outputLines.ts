import type { Readable } from 'node:stream';

const MAX_LINE = 2_048;
const TAIL = 8_192;

/**
 * Reads a runtime's stdout or stderr line by line (lines capped at 2 KB), so the host logs
 * them as the plugin's output and nothing the plugin writes reaches the host's own streams.
 * Returns the last 8 KB read, which is where V8 writes why it aborted.
 */
export function outputLines(stream: Readable, onLine: (line: string) => void): () => string {
  let tail = '';
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (text: string) => {
    tail = (tail + text).slice(-TAIL);
    const lines = (partial + text).split('\n');
    partial = (lines.pop() ?? '').slice(0, MAX_LINE);
    for (const line of lines) if (line !== '') onLine(line.slice(0, MAX_LINE));
  });
  stream.on('end', () => {
    if (partial !== '') onLine(partial);
    partial = '';
  });
  stream.on('error', () => undefined);
  return () => tail;
}
