import { Peer, type PeerOptions } from './Peer.js';

/** The two ends of a worker's channel: the Worker in the host, `parentPort` inside it. */
export interface MessagePortLike {
  postMessage(value: unknown): void;
  on(event: 'message', listener: (value: unknown) => void): unknown;
}

/**
 * A Peer over a worker's own port. Frames cross as JSON strings, as over a process's
 * stream: one data contract for both runtimes, and a string is cheaper to clone than the
 * objects it holds.
 */
export function peerOverPort(port: MessagePortLike, options: PeerOptions): Peer {
  const peer = new Peer({ send: (frame) => port.postMessage(frame) }, options);
  port.on('message', (value) => {
    if (typeof value === 'string') peer.receive(value);
    else peer.refuse('a frame must be a string');
  });
  return peer;
}
