import { Duplex, PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { hostRebuild } from '../hostRebuild.js';
import type { ProtocolError } from './ProtocolError.js';
import { MAX_FRAME_BYTES } from './Peer.js';
import { peerOverStream } from './streamTransport.js';

/** Two stream peers joined back to back, as the host and a child over a socketpair. */
function joined() {
  const toRight = new PassThrough();
  const toLeft = new PassThrough();
  const leftEnd = Duplex.from({ readable: toLeft, writable: toRight });
  const rightEnd = Duplex.from({ readable: toRight, writable: toLeft });
  const violations: ProtocolError[] = [];
  const left = peerOverStream(leftEnd, { rebuild: hostRebuild, answersPings: false });
  const right = peerOverStream(rightEnd, {
    rebuild: hostRebuild,
    handlers: { echo: ([x]) => x },
    onViolation: (e) => violations.push(e),
  });
  return { left, right, toRight, violations };
}

function framed(text: string): Buffer {
  const body = Buffer.from(text);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length);
  return Buffer.concat([header, body]);
}

describe('peerOverStream', () => {
  it('carries length-prefixed frames, also when they arrive a byte at a time', async () => {
    const { left, right, toRight } = joined();
    await expect(left.call('echo', [{ text: 'naïve 😀' }])).resolves.toEqual({ text: 'naïve 😀' });
    const before = right.stats.framesIn;
    const bytes = framed(JSON.stringify([{ k: 'call', id: 7, m: 'echo', a: ['slow'] }]));
    for (const byte of bytes) toRight.write(Buffer.from([byte]));
    await new Promise((resolve) => setImmediate(resolve));
    expect(right.stats.framesIn).toBe(before + 1);
  });

  it('refuses a length over the limit before buffering anything, and garbage inside a frame', () => {
    const huge = joined();
    const header = Buffer.alloc(4);
    header.writeUInt32BE(512 * 1024 * 1024);
    huge.toRight.write(header);
    const garbage = joined();
    garbage.toRight.write(framed('hello'));
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        expect(huge.violations.map((v) => v.message)).toEqual([
          `a frame of ${512 * 1024 * 1024} bytes is larger than ${MAX_FRAME_BYTES}`,
        ]);
        expect(garbage.violations.map((v) => v.message)).toEqual(['a frame is not JSON']);
        resolve();
      }),
    );
  });
});
