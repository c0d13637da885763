import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CrmCustomer {
  id: string;
  name: string;
  email: string;
  plan: string;
  accountStatus: string;
  openOrders: Array<{ id: string; status: string; total: number }>;
}

export const SAMPLE_CUSTOMERS: readonly CrmCustomer[] = [
  {
    id: 'C-1001',
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    plan: 'pro',
    accountStatus: 'active',
    openOrders: [{ id: 'O-5001', status: 'shipped', total: 129.5 }],
  },
  {
    id: 'C-1002',
    name: 'Alan Turing',
    email: 'alan@example.com',
    plan: 'basic',
    accountStatus: 'past_due',
    openOrders: [],
  },
];

/**
 * A small CRM REST API on loopback for tests and demos: `GET /customers/:id` with
 * `Authorization: Bearer <apiKey>`, 404 for unknown customers, and failure injection.
 */
export interface CrmServer {
  readonly url: string;
  readonly apiKey: string;
  /** Requests received on /customers, including failed ones. */
  readonly requests: number;
  /** The trace headers of each request to /customers, in order. */
  readonly traceHeaders: ReadonlyArray<{ traceparent?: string; tracestate?: string }>;
  /** The next `count` requests answer `status` (5xx by default). */
  failNext(count: number, status?: number): void;
  /** The next `count` requests wait `ms` before answering. */
  delayNext(count: number, ms: number): void;
  /** The next `count` requests answer 200 with a body of the wrong shape (`'not-json'` for a non-JSON body). */
  malformNext(count: number, kind?: 'wrong-shape' | 'not-json'): void;
  /** Every request fails until `heal()`. */
  breakDown(status?: number): void;
  heal(): void;
  close(): Promise<void>;
}

interface Injection {
  count: number;
  apply(res: ServerResponse): Promise<boolean> | boolean;
}

export async function startCrmServer(
  options: { apiKey?: string; customers?: readonly CrmCustomer[]; port?: number } = {},
): Promise<CrmServer> {
  const apiKey = options.apiKey ?? 'crm-test-key';
  const customers = new Map((options.customers ?? SAMPLE_CUSTOMERS).map((c) => [c.id, c]));
  const injections: Injection[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let requests = 0;
  const traceHeaders: Array<{ traceparent?: string; tracestate?: string }> = [];
  let brokenStatus: number | null = null;

  const inject = (count: number, apply: Injection['apply']) => injections.push({ count, apply });
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/customers\/([^/?]+)$/.exec(req.url ?? '');
    if (req.method !== 'GET' || !match) {
      res.writeHead(404).end();
      return;
    }
    requests += 1;
    const { traceparent, tracestate } = req.headers;
    traceHeaders.push({
      ...(typeof traceparent === 'string' && { traceparent }),
      ...(typeof tracestate === 'string' && { tracestate }),
    });
    const injection = injections[0];
    if (injection) {
      injection.count -= 1;
      if (injection.count <= 0) injections.shift();
      if (await injection.apply(res)) return;
    }
    if (brokenStatus !== null) {
      res
        .writeHead(brokenStatus, { 'content-type': 'application/json' })
        .end('{"error":"unavailable"}');
      return;
    }
    if (req.headers['authorization'] !== `Bearer ${apiKey}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
      return;
    }
    const customer = customers.get(decodeURIComponent(match[1] ?? ''));
    if (!customer) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(customer));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    apiKey,
    get requests() {
      return requests;
    },
    traceHeaders,
    failNext(count, status = 503) {
      inject(count, (res) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end('{"error":"injected"}');
        return true;
      });
    },
    delayNext(count, ms) {
      inject(count, async () => {
        await wait(ms);
        return false;
      });
    },
    malformNext(count, kind = 'wrong-shape') {
      inject(count, (res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(kind === 'not-json' ? '<html>oops</html>' : JSON.stringify({ id: 42, name: null }));
        return true;
      });
    },
    breakDown(status = 503) {
      brokenStatus = status;
    },
    heal() {
      brokenStatus = null;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
