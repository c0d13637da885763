import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How long `close()` waits for in-flight requests before it cuts their connections. */
export const DEFAULT_CLOSE_GRACE_MS = 5_000;

export interface ListenOptions {
  host: string;
  /** 0 picks a free port; read it back from `url`. */
  port: number;
}

export interface RunningHttpServer {
  server: Server;
  /** `http://<host>:<port>` with the port actually bound. */
  url: string;
  /**
   * Stops accepting connections, closes idle keep-alive ones, lets in-flight requests
   * finish (their answer carries `Connection: close`), then after `graceMs` cuts whatever
   * is left. Calling it again returns the same promise.
   */
  close(graceMs?: number): Promise<void>;
}

/** Anything with Koa's `callback()`, e.g. the app from `createApp`. */
export interface HttpApp {
  callback(): (req: IncomingMessage, res: ServerResponse) => unknown;
}

/**
 * Serves `app` on `host:port`.
 * @throws the listen error (EADDRINUSE, EACCES, …) when the port cannot be bound.
 */
export async function startHttpServer(
  app: HttpApp,
  options: ListenOptions,
): Promise<RunningHttpServer> {
  const handle = app.callback();
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  function untrack(this: ServerResponse): void {
    inFlight.delete(this);
  }

  const server = createServer((req, res) => {
    if (draining) {
      res.setHeader('Connection', 'close');
    } else {
      inFlight.add(res);
      res.on('close', untrack);
    }
    void handle(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;

  return {
    server,
    url: `http://${host}:${port}`,
    close(graceMs = DEFAULT_CLOSE_GRACE_MS) {
      closing ??= new Promise<void>((resolve, reject) => {
        draining = true;
        // Without this an in-flight connection goes back to keep-alive and holds close() until the grace ends.
        for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close((error) => {
          clearTimeout(force);
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
