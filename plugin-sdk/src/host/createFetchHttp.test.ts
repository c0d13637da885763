import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetchHttp } from './createFetchHttp.js';
import { isToolError } from '../errors.js';

let server: Server;
let origin: string;
const hanging: Array<() => void> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/hang') {
      hanging.push(() => res.end('late'));
      return;
    }
    if (req.url === '/text') return void res.end('not json');
    if (req.url === '/empty') return void res.writeHead(204).end();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ method: req.method, auth: req.headers['authorization'] ?? null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const release of hanging) release();
  await new Promise((resolve) => server.close(resolve));
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('createFetchHttp', () => {
  it('calls a granted origin and answers plain data', async () => {
    const http = createFetchHttp({ pluginName: 'p', allowedOrigins: [origin] });
    const response = await http.json(`${origin}/x`, {
      method: 'POST',
      headers: { authorization: 'Bearer k' },
      body: '{}',
    });
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ method: 'POST', auth: 'Bearer k' });
    expect(response.headers['content-type']).toBe('application/json');
  });

  it('refuses an origin that is not granted, without calling it', async () => {
    const http = createFetchHttp({ pluginName: 'p', allowedOrigins: ['http://127.0.0.1:1'] });
    const error = await rejection(http.fetch(`${origin}/x`));
    expect(isToolError(error) && error.toolErrorCode).toBe('permission_denied');
    expect((error as Error).message).toBe(`Plugin 'p' is not granted http access to ${origin}`);
  });

  it('refuses a URL that does not parse', async () => {
    const http = createFetchHttp({ pluginName: 'p', allowedOrigins: [origin] });
    const error = await rejection(http.fetch('not a url'));
    expect(isToolError(error) && error.toolErrorCode).toBe('permission_denied');
  });

  it('times out with a timeout error', async () => {
    const http = createFetchHttp({ pluginName: 'p', allowedOrigins: [origin] });
    const error = await rejection(http.fetch(`${origin}/hang`, { timeoutMs: 50 }));
    expect(isToolError(error) && error.toolErrorCode).toBe('timeout');
  });

  it("stops when the caller's signal aborts", async () => {
    const http = createFetchHttp({ pluginName: 'p', allowedOrigins: [origin] });
    const controller = new AbortController();
    const pending = rejection(http.fetch(`${origin}/hang`, { signal: controller.signal }));
    controller.abort();
    const error = await pending;
    expect(isToolError(error) && error.toolErrorCode).toBe('timeout');
  });

  it('reports a refused connection as upstream_error', async () => {
    const closed = 'http://127.0.0.1:9';
    const http = createFetchHttp({ pluginName: 'p', allowedOrigins: [closed] });
    const error = await rejection(http.fetch(`${closed}/x`));
    expect(isToolError(error) && error.toolErrorCode).toBe('upstream_error');
  });

  it('json() reports a non-JSON body as invalid_output and an empty one as null', async () => {
    const http = createFetchHttp({ pluginName: 'p', allowedOrigins: [origin] });
    const error = await rejection(http.json(`${origin}/text`));
    expect(isToolError(error) && error.toolErrorCode).toBe('invalid_output');
    await expect(http.json(`${origin}/empty`)).resolves.toMatchObject({ status: 204, data: null });
  });
});
