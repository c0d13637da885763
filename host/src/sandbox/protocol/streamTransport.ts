import type { Duplex } from 'node:stream';
import { MAX_FRAME_BYTES, Peer, type PeerOptions } from './Peer.js';

const HEADER_BYTES = 4;

/**
 * A Peer over a byte stream (a child process's fd 3, a socketpair): each frame is a 4-byte
 * big-endian length, then that many bytes of UTF-8 JSON. Unlike Node's own IPC channel (whose
 * parser throws in the host on bytes that are not JSON, and which buffers a message of any
 * size), a length over MAX_FRAME_BYTES is refused before anything is buffered, and every
 * malformed frame is reported to `onViolation`, never thrown.
 */
export function peerOverStream(stream: Duplex, options: PeerOptions): Peer {
  const peer = new Peer(
    {
      send(frame) {
        const length = Buffer.byteLength(frame);
        const bytes = Buffer.allocUnsafe(HEADER_BYTES + length);
        bytes.writeUInt32BE(length, 0);
        bytes.write(frame, HEADER_BYTES, length, 'utf8');
        stream.write(bytes);
      },
    },
    options,
  );
  let chunks: Buffer[] = [];
  let buffered = 0;
  let need = HEADER_BYTES;
  let broken = false;
  const fail = (details: string) => {
    broken = true;
    chunks = [];
    peer.refuse(details);
  };
  stream.on('data', (chunk: Buffer) => {
    if (broken) return;
    chunks.push(chunk);
    buffered += chunk.length;
    if (buffered < need) return;
    const buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, buffered);
    let at = 0;
    while (buf.length - at >= HEADER_BYTES) {
      const length = buf.readUInt32BE(at);
      if (length > MAX_FRAME_BYTES) {
        return fail(`a frame of ${length} bytes is larger than ${MAX_FRAME_BYTES}`);
      }
      if (buf.length - at - HEADER_BYTES < length) {
        need = HEADER_BYTES + length;
        break;
      }
      const text = buf.toString('utf8', at + HEADER_BYTES, at + HEADER_BYTES + length);
      at += HEADER_BYTES + length;
      need = HEADER_BYTES;
      peer.receive(text);
      if (peer.closed) return;
    }
    const rest = buf.length - at;
    chunks = rest === 0 ? [] : [buf.subarray(at)];
    buffered = rest;
  });
  return peer;
}
