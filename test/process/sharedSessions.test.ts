import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { deleteKeysWithPrefix } from '../../host/src/session/testing/deleteKeysWithPrefix.js';
import { startTcpProxy, type TcpProxy } from '../../host/src/session/testing/startTcpProxy.js';
import { builtinHostEnv } from '../support/builtinPlugins.js';
import { startHostProcess, type HostProcess } from '../support/hostProcess.js';
import { describeWithRedis, redisUrl } from '../support/services.js';

function hostEnv(root: string, name: string, redis: string): Record<string, string> {
  return { ...builtinHostEnv(root, `data-${name}`), REDIS_URL: redis, USE_SHARED_CONTEXT: 'true' };
}

async function post(url: string, sessionId: string, text: string) {
  const response = await fetch(`${url}/v1/sessions/${sessionId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function session(url: string, sessionId: string) {
  const response = await fetch(`${url}/v1/sessions/${sessionId}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describeWithRedis('two host processes sharing one Redis', () => {
  let root: string;
  let a: HostProcess;
  let b: HostProcess;
  const prefix = 'toolhost:session:';
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'toolhost-shared-'));
    [a, b] = await Promise.all([
      startHostProcess(hostEnv(root, 'a', redisUrl())),
      startHostProcess(hostEnv(root, 'b', redisUrl())),
    ]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    const redis = new Redis(redisUrl());
    await deleteKeysWithPrefix(redis, `${prefix}ctx:${run}`);
    await redis.zrem(`${prefix}active`, `${run}-count`, `${run}-escalate`);
    await redis.quit();
    rmSync(root, { recursive: true, force: true });
  });

  it('agree exactly on the message count of 200 concurrent messages split across both', async () => {
    const sessionId = `${run}-count`;
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        post(i % 2 === 0 ? a.url : b.url, sessionId, `How do refunds work? (${i})`),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(200).fill(200));
    expect((await session(a.url, sessionId)).body['messageCount']).toBe(200);
    expect((await session(b.url, sessionId)).body['messageCount']).toBe(200);
  });

  it('see an escalation made through the other', async () => {
    const sessionId = `${run}-escalate`;
    const escalated = await post(a.url, sessionId, 'I want to speak to a human');
    const ticket = (escalated.body['escalation'] as { ticketId: string }).ticketId;
    expect(ticket).toMatch(/^TCK-/);
    expect((await session(b.url, sessionId)).body).toMatchObject({
      escalated: true,
      escalationTicketId: ticket,
    });
    const again = await post(b.url, sessionId, 'can I talk to a person?');
    expect(again.body['escalation']).toEqual({ ticketId: ticket, created: false });
  });
});

describeWithRedis('a host whose Redis goes away', () => {
  let root: string;
  let proxy: TcpProxy;
  let host: HostProcess;
  const sessionId = `${randomUUID().slice(0, 8)}-outage`;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'toolhost-outage-'));
    const target = new URL(redisUrl());
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
    host = await startHostProcess(hostEnv(root, 'x', `redis://127.0.0.1:${proxy.port}`));
  });

  afterEach(async () => {
    await proxy.start().catch(() => undefined);
  });

  afterAll(async () => {
    await host?.stop();
    await proxy?.stop();
    const redis = new Redis(redisUrl());
    await deleteKeysWithPrefix(redis, `toolhost:session:ctx:${sessionId}`);
    await redis.zrem('toolhost:session:active', sessionId);
    await redis.quit();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers 503 while Redis is away, loses nothing, and resumes when it returns', async () => {
    expect((await post(host.url, sessionId, 'How do refunds work?')).status).toBe(200);

    await proxy.stop();
    // The host's Redis client has seen the outage (its reconnects fail) …
    const outage = host.logLine((line) => line.message === 'redis connection error');
    const during = await post(host.url, sessionId, 'How do refunds work?');
    expect(during.status).toBe(503);
    expect(during.body).toMatchObject({ code: 'TOOLHOST_HTTP_UNAVAILABLE' });
    expect((await session(host.url, sessionId)).status).toBe(503);
    const ready = await fetch(`${host.url}/readyz`);
    expect(ready.status).toBe(503);

    await outage;
    await proxy.start();
    // … and is connected again.
    await host.logLine((line) => line.message === 'redis connection restored');
    const after = await post(host.url, sessionId, 'How do refunds work?');
    expect(after.status).toBe(200);
    expect((await session(host.url, sessionId)).body['messageCount']).toBe(2);
  });
});
