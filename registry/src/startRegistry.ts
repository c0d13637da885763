import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { runServer } from 'verdaccio';
import { registryConfig, type RegistryConfigOptions } from './registryConfig.js';

export interface StartRegistryOptions extends RegistryConfigOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

/** A verdaccio listening in this process. */
export interface RunningRegistry {
  /** With a trailing slash, as npm writes registry URLs: `http://127.0.0.1:4873/`. */
  readonly url: string;
  readonly port: number;
  readonly storage: string;
  close(): Promise<void>;
}

/**
 * Starts verdaccio in this process. Anything that talks to it from this process must not
 * block the event loop (run `npm` through an async `execFile`, never a sync spawn).
 * @throws the listen error (EADDRINUSE) when the port is taken.
 */
export async function startRegistry(options: StartRegistryOptions): Promise<RunningRegistry> {
  await mkdir(options.dir, { recursive: true });
  const config = registryConfig(options);
  const server = (await runServer(config)) as Server;
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => Promise.reject(error as Error)),
  ]);
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}/`,
    port,
    storage: config.storage,
    close: async () => {
      // npm and pacote keep their sockets alive; close() would wait for them forever.
      server.closeIdleConnections();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
