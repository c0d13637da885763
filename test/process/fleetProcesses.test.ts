import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createScratchPostgres } from '../../host/src/db/testing/createScratchPostgres.js';
import type { ScratchDatabase } from '../../host/src/db/testing/ScratchDatabase.js';
import { deleteKeysWithPrefix } from '../../host/src/session/testing/deleteKeysWithPrefix.js';
import { bearer, keysEnv, type TestKey } from '../support/apiKeys.js';
import { builtinHostEnv } from '../support/builtinPlugins.js';
import { startHostProcess, type HostProcess } from '../support/hostProcess.js';
import {
  describeWithPostgres,
  describeWithRedis,
  postgresUrl,
  redisUrl,
} from '../support/services.js';

const OPS: TestKey = {
  name: 'ops',
  key: 'ops-key-for-fleet-processes-0123456789',
  scopes: ['messages', 'tools', 'admin'],
};

async function call(url: string, path: string, init: RequestInit = {}) {
  const response = await fetch(`${url}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...bearer(OPS), ...init.headers },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const serves = async (url: string, tool: string) =>
  ((await call(url, '/v1/tools')).body['tools'] as { name: string }[]).some((t) => t.name === tool);

async function within(deadlineMs: number, what: string, probe: () => Promise<boolean>) {
  const end = Date.now() + deadlineMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`not within ${deadlineMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const describeFleet = (name: string, fn: () => void) =>
  describeWithPostgres(name, () => describeWithRedis('with Redis', fn));

describeFleet('two host processes on one PostgreSQL and one Redis', () => {
  let root: string;
  let scratch: ScratchDatabase;
  let a: HostProcess;
  let b: HostProcess;
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'toolhost-fleet-processes-'));
    scratch = await createScratchPostgres(postgresUrl());
    const env = (name: string) => {
      const base = builtinHostEnv(join(root, name));
      // echo ships disabled here, so enabling it is a change the fleet must carry.
      writeFileSync(
        join(base['TOOLHOST_MANIFESTS_DIR'] ?? '', 'echo.json'),
        JSON.stringify({ name: 'echo', enabled: false, source: { path: 'echo' } }),
      );
      return {
        ...base,
        DATABASE_URL: scratch.url,
        REDIS_URL: redisUrl(),
        USE_SHARED_CONTEXT: 'true',
        TOOLHOST_HOST_ID: `process-${name}`,
        TOOLHOST_FLEET_RECONCILE_MS: '600000',
        ...keysEnv(OPS),
      };
    };
    a = await startHostProcess(env('a'));
    b = await startHostProcess(env('b'));
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await scratch?.drop();
    const redis = new Redis(redisUrl());
    await deleteKeysWithPrefix(redis, `toolhost:session:ctx:ops/${run}`);
    await redis.quit();
    rmSync(root, { recursive: true, force: true });
  });

  it('enable on A is served by B within 2 s; disable on B is gone from A', async () => {
    expect(await serves(b.url, 'echo.say')).toBe(false);
    expect((await call(a.url, '/v1/admin/plugins/echo/enable', { method: 'POST' })).status).toBe(
      200,
    );
    await within(2_000, 'echo.say served by B', () => serves(b.url, 'echo.say'));
    expect((await call(b.url, '/v1/admin/plugins/echo/disable', { method: 'POST' })).status).toBe(
      200,
    );
    await within(2_000, 'echo.say gone from A', async () => !(await serves(a.url, 'echo.say')));
  });

  it('a message answered by A leaves a note that B recalls for the same session', async () => {
    const sessionId = `${run}-notes`;
    const sent = await call(a.url, `/v1/sessions/${sessionId}/messages`, {
      method: 'POST',
      body: JSON.stringify({ text: 'My order 490 has not arrived' }),
    });
    expect(sent.status).toBe(200);
    const recalled = await call(b.url, '/v1/tools/memory.recall/invoke', {
      method: 'POST',
      headers: { 'x-session-id': sessionId },
      body: JSON.stringify({ input: {} }),
    });
    expect(recalled.body).toMatchObject({ success: true });
    expect(JSON.stringify(recalled.body['data'])).toContain('My order 490 has not arrived');
    const session = await call(b.url, `/v1/sessions/${sessionId}`);
    expect(session.body).toMatchObject({ messageCount: 1 });
  });

  it('each host lists both processes and no drift', async () => {
    await within(2_000, 'both hosts reported', async () => {
      const fleet = (await call(b.url, '/v1/admin/plugins')).body['fleet'] as {
        hosts: { hostId: string }[];
        drift: unknown[];
      };
      return fleet.hosts.length === 2 && fleet.drift.length === 0;
    });
  });
});
