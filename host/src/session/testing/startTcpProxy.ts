import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';

/** A TCP proxy on 127.0.0.1 that a test can take down and bring back on the same port. */
export interface TcpProxy {
  readonly port: number;
  /** What happens to traffic: forward it, drop what clients send, or drop what the target answers. */
  mode: 'forward' | 'dropRequests' | 'dropReplies';
  /** Resolves when the next chunk is dropped (a command reached the proxy and went no further). */
  nextDrop(): Promise<void>;
  /** Stops listening and destroys every open connection. */
  stop(): Promise<void>;
  /** Listens again on the same port, forwarding. */
  start(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let onDrop: (() => void) | null = null;
  const dropped = () => {
    onDrop?.();
    onDrop = null;
  };
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    const upstream = connect(target);
    track(client);
    track(upstream);
    client.on('data', (chunk: Buffer) => {
      if (proxy.mode === 'dropRequests') dropped();
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (proxy.mode === 'dropReplies') dropped();
      else client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const listen = async (port: number) => {
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
  };
  await listen(0);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');

  const proxy: TcpProxy = {
    port: address.port,
    mode: 'forward',
    nextDrop: () =>
      new Promise<void>((resolve) => {
        onDrop = resolve;
      }),
    async stop() {
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    async start() {
      proxy.mode = 'forward';
      await listen(proxy.port);
    },
  };
  return proxy;
}
