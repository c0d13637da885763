import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deleteKeysWithPrefix } from '../../host/src/session/testing/deleteKeysWithPrefix.js';
import { startTcpProxy, type TcpProxy } from '../../host/src/session/testing/startTcpProxy.js';
import { bearer, CLIENT, keysEnv } from '../support/apiKeys.js';
import { builtinHostEnv } from '../support/builtinPlugins.js';
import { startHostProcess, type HostProcess } from '../support/hostProcess.js';
import { describeWithRedis, redisUrl } from '../support/services.js';

const ADMIN_TOKEN = 'exactly-once-admin-token-01';
const PREFIX = 'toolhost:session:';

function hostEnv(root: string, name: string, redis: string): Record<string, string> {
  return {
    ...builtinHostEnv(root, `data-${name}`),
    REDIS_URL: redis,
    USE_SHARED_CONTEXT: 'true',
    TOOLHOST_ADMIN_TOKEN: ADMIN_TOKEN,
    ...keysEnv(CLIENT),
  };
}

async function post(url: string, sessionId: string, text: string, headers = {}) {
  const response = await fetch(`${url}/v1/sessions/${sessionId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(CLIENT), ...headers },
    body: JSON.stringify({ text }),
  });
  return {
    status: response.status,
    replayed: response.headers.get('idempotent-replayed') === 'true',
    requestId: response.headers.get('x-request-id'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function get(url: string, path: string, key: string = CLIENT.key) {
  const response = await fetch(`${url}${path}`, { headers: bearer(key) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function cleanRedis(sessionIds: string[], idempotencyKeys: string[]): Promise<void> {
  const redis = new Redis(redisUrl());
  for (const id of sessionIds) await deleteKeysWithPrefix(redis, `${PREFIX}ctx:${id}`);
  for (const key of idempotencyKeys) await redis.del(`${PREFIX}idem:${CLIENT.name}:${key}`);
  if (sessionIds.length > 0) await redis.zrem(`${PREFIX}active`, ...sessionIds);
  await redis.quit();
}

describeWithRedis('one Idempotency-Key across two host processes sharing Redis', () => {
  let root: string;
  let a: HostProcess;
  let b: HostProcess;
  const run = randomUUID().slice(0, 8);
  const sessionId = `${run}-once`;
  const key = `idem-${run}`;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'toolhost-once-'));
    [a, b] = await Promise.all([
      startHostProcess(hostEnv(root, 'a', redisUrl())),
      startHostProcess(hostEnv(root, 'b', redisUrl())),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await cleanRedis([sessionId], [key]);
    rmSync(root, { recursive: true, force: true });
  });

  it('runs the message once, however many retries reach either host at once or later', async () => {
    const text = 'How long does a refund take?';
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        post(i % 2 === 0 ? a.url : b.url, sessionId, text, { 'idempotency-key': key }),
      ),
    );
    const ran = burst.filter((r) => r.status === 200 && !r.replayed);
    expect(ran).toHaveLength(1);
    for (const answer of burst) {
      expect([200, 409]).toContain(answer.status);
      if (answer.status === 200) expect(answer.body).toEqual(ran[0]?.body);
      else expect(answer.body).toMatchObject({ code: 'TOOLHOST_HTTP_MESSAGE_IN_FLIGHT' });
    }

    for (const host of [a, b]) {
      const later = await post(host.url, sessionId, text, { 'idempotency-key': key });
      expect(later).toMatchObject({ status: 200, replayed: true, body: ran[0]?.body });
      expect(later.requestId).toBe(ran[0]?.body['requestId']);
      expect((await get(host.url, `/v1/sessions/${sessionId}`)).body).toMatchObject({
        messageCount: 1,
      });
    }
    // Each host audits to its own database: one row in all.
    const rows = await Promise.all(
      [a, b].map(async (host) => {
        const audit = await get(host.url, `/v1/sessions/${sessionId}/audit`, ADMIN_TOKEN);
        return (audit.body['entries'] as unknown[]).length;
      }),
    );
    expect(rows[0]! + rows[1]!).toBe(1);
    const recall = await fetch(`${a.url}/v1/tools/memory.recall/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-session-id': sessionId, ...bearer(CLIENT) },
      body: JSON.stringify({ input: {} }),
    });
    const notes = ((await recall.json()) as { data: { notes: unknown[] } }).data.notes;
    // memory keeps notes in each host's own database too; the one turn wrote one note.
    const recallB = await fetch(`${b.url}/v1/tools/memory.recall/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-session-id': sessionId, ...bearer(CLIENT) },
      body: JSON.stringify({ input: {} }),
    });
    const notesB = ((await recallB.json()) as { data: { notes: unknown[] } }).data.notes;
    expect(notes.length + notesB.length).toBe(1);
  });
});

describeWithRedis('a message whose turn loses Redis before it commits', () => {
  let root: string;
  let proxy: TcpProxy;
  let gate: Server;
  let host: HostProcess;
  /** What the gate does when the gated plugin asks it; by default it opens at once. */
  let onGate: () => Promise<void> = async () => {};
  const sessionId = `${randomUUID().slice(0, 8)}-midturn`;
  const key = `idem-${sessionId}`;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'toolhost-midturn-'));
    gate = createServer((_req, res) => {
      void onGate().then(() => res.end('open'));
    });
    gate.listen(0, '127.0.0.1');
    await once(gate, 'listening');
    const gateUrl = `http://127.0.0.1:${(gate.address() as AddressInfo).port}`;
    const target = new URL(redisUrl());
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
    const env = hostEnv(root, 'x', `redis://127.0.0.1:${proxy.port}`);
    const fixture = fileURLToPath(new URL('../fixtures/plugins/rag-gate/', import.meta.url));
    writeFileSync(
      join(env['TOOLHOST_MANIFESTS_DIR'] as string, 'rag.json'),
      JSON.stringify({
        name: 'rag',
        enabled: true,
        source: { path: fixture },
        config: { gateUrl },
        permissions: { http: [gateUrl] },
        policy: { timeoutMs: 10_000 },
      }),
    );
    host = await startHostProcess(env);
  });
  afterAll(async () => {
    await host?.stop();
    await proxy?.stop().catch(() => undefined);
    gate?.close();
    await cleanRedis([sessionId], [key]);
    rmSync(root, { recursive: true, force: true });
  });

  it('answers 503, counts nothing, frees its key once Redis is back, and its retry counts once', async () => {
    expect((await post(host.url, sessionId, 'hello there')).status).toBe(200);
    const before = (await get(host.url, `/v1/sessions/${sessionId}`)).body;
    expect(before).toMatchObject({ messageCount: 1, failureCount: 1 });

    // Redis goes away after the turn began (the session was read) and before it commits.
    const outage = host.logLine((line) => line.message === 'redis connection error');
    onGate = async () => {
      await proxy.stop();
    };
    const cut = await post(host.url, sessionId, 'where is my refund', { 'idempotency-key': key });
    expect(cut.status).toBe(503);
    expect(cut.body).toMatchObject({ code: 'TOOLHOST_HTTP_UNAVAILABLE' });
    await outage;

    onGate = async () => {};
    const released = host.logLine((line) => line.message === 'idempotency record released');
    const restored = host.logLine((line) => line.message === 'redis connection restored');
    await proxy.start();
    await restored;
    await released;
    // Counters and fields as before; only updatedAt moved (beginning the turn touched it).
    expect((await get(host.url, `/v1/sessions/${sessionId}`)).body).toEqual({
      ...before,
      updatedAt: expect.any(String),
    });

    const retry = await post(host.url, sessionId, 'where is my refund', { 'idempotency-key': key });
    expect(retry).toMatchObject({ status: 200, replayed: false });
    const again = await post(host.url, sessionId, 'where is my refund', { 'idempotency-key': key });
    expect(again).toMatchObject({ status: 200, replayed: true, body: retry.body });
    expect((await get(host.url, `/v1/sessions/${sessionId}`)).body).toMatchObject({
      messageCount: 2,
      failureCount: 2,
    });
  });
});
