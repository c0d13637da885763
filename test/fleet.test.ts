import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadSettings } from '../host/src/config/loadSettings.js';
import { createSqlRunner } from '../host/src/db/createSqlRunner.js';
import { openDatabase } from '../host/src/db/openDatabase.js';
import { createScratchPostgres } from '../host/src/db/testing/createScratchPostgres.js';
import type { ScratchDatabase } from '../host/src/db/testing/ScratchDatabase.js';
import type { Database } from '../host/src/db/Database.js';
import type { FleetReport } from '../host/src/fleet/fleetDrift.js';
import { deleteKeysWithPrefix } from '../host/src/session/testing/deleteKeysWithPrefix.js';
import { startHost, type Host } from '../host/src/startHost.js';
import { bearer, keysEnv, type TestKey } from './support/apiKeys.js';
import { REPO_PLUGINS_DIR } from './support/builtinPlugins.js';
import { createCapturingLogger, type CapturingLogger } from './support/capturingLogger.js';
import { runCli } from './support/hostProcess.js';
import {
  describeWithPostgres,
  describeWithRedis,
  postgresUrl,
  redisUrl,
} from './support/services.js';

const REPO_MANIFESTS_DIR = fileURLToPath(new URL('../manifests/', import.meta.url));
const OPS: TestKey = {
  name: 'ops',
  key: 'ops-key-for-fleet-tests-0123456789',
  scopes: ['messages', 'tools', 'admin'],
};

/** Polls `probe` until it returns a value, or fails at the deadline (never a fixed sleep). */
async function eventually<T>(probe: () => Promise<T | null>, deadlineMs: number, what: string) {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > end) throw new Error(`not within ${deadlineMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface Fleet {
  root: string;
  scratch: ScratchDatabase;
  database: Database;
  hosts: Host[];
}

async function call(host: Host, path: string, init: RequestInit = {}) {
  const response = await fetch(`${host.url}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...bearer(OPS), ...init.headers },
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : null) as Record<string, unknown>,
  };
}

const toolNames = async (host: Host) =>
  ((await call(host, '/v1/tools')).body['tools'] as { name: string }[]).map((tool) => tool.name);

function hostEnv(
  root: string,
  name: string,
  manifests: string[],
  scratch: ScratchDatabase,
  extra: Record<string, string> = {},
) {
  const manifestsDir = join(root, `manifests-${name}`);
  mkdirSync(manifestsDir, { recursive: true });
  for (const plugin of manifests) {
    copyFileSync(join(REPO_MANIFESTS_DIR, `${plugin}.json`), join(manifestsDir, `${plugin}.json`));
  }
  return {
    PORT: '0',
    LOG_LEVEL: 'info',
    DATABASE_URL: scratch.url,
    REDIS_URL: redisUrl(),
    USE_SHARED_CONTEXT: 'true',
    TOOLHOST_MANIFESTS_DIR: manifestsDir,
    TOOLHOST_PLUGINS_DIR: REPO_PLUGINS_DIR,
    TOOLHOST_DATA_DIR: join(root, `data-${name}`),
    TOOLHOST_HOST_ID: `host-${name}`,
    // Far beyond the test's deadlines: what reaches the other host in time is the notification.
    TOOLHOST_FLEET_RECONCILE_MS: '600000',
    TOOLHOST_DRAIN_TIMEOUT_MS: '2000',
    ...keysEnv(OPS),
    ...extra,
  };
}

const logs = new WeakMap<Host, CapturingLogger>();

async function startFleetHost(env: Record<string, string>): Promise<Host> {
  const capturing = createCapturingLogger();
  const host = await startHost(loadSettings(env), { logger: capturing.logger });
  logs.set(host, capturing);
  return host;
}

/** Resolves when the host's registry reports `plugin` in `state` (an event, with a deadline). */
function pluginReaches(host: Host, plugin: string, state: string, deadlineMs: number) {
  return new Promise<void>((resolve, reject) => {
    if (host.registry.status(plugin).state === state) return resolve();
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${plugin} did not become ${state} within ${deadlineMs} ms`));
    }, deadlineMs);
    const off = host.registry.onChange((change) => {
      if (change.plugin === plugin && change.status?.state === state) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  });
}

const describeFleet = (name: string, fn: () => void) =>
  describeWithPostgres(name, () => describeWithRedis('with Redis', fn));

describeFleet('two hosts on one PostgreSQL and one Redis', () => {
  const fleet = {} as Fleet;
  const run = randomUUID().slice(0, 8);
  let a: Host;
  let b: Host;

  beforeAll(async () => {
    fleet.root = mkdtempSync(join(tmpdir(), 'toolhost-fleet-'));
    fleet.scratch = await createScratchPostgres(postgresUrl());
    // A seeds the table from its files (echo disabled, memory enabled); B's own files differ
    // and are ignored: the table holds the fleet's state once it has a row.
    a = await startFleetHost(hostEnv(fleet.root, 'a', ['memory', 'escalation'], fleet.scratch));
    b = await startFleetHost(
      hostEnv(fleet.root, 'b', ['rag'], fleet.scratch, { ENABLE_ESCALATION: 'false' }),
    );
    fleet.hosts = [a, b];
    fleet.database = await openDatabase(fleet.scratch.url, { migrate: false });
    const sql = createSqlRunner(fleet.database.orm);
    const echo = {
      name: 'echo',
      enabled: false,
      source: { path: 'echo' },
      permissions: { cache: true },
    };
    // A plain SQL insert notifies nobody; the admin reload below makes both hosts read it.
    await sql.run(
      `insert into "plugin_manifest" ("name", "manifest", "updated_at") values (?, ?::jsonb, now())`,
      ['echo', JSON.stringify(echo)],
    );
    await a.plugins?.sync();
    await b.plugins?.sync();
  }, 60_000);

  afterAll(async () => {
    await Promise.all((fleet.hosts ?? []).map((host) => host.stop()));
    await fleet.database?.close();
    await fleet.scratch?.drop();
    const redis = new Redis(redisUrl());
    await deleteKeysWithPrefix(redis, `toolhost:session:ctx:ops/${run}`);
    await redis.quit();
    rmSync(fleet.root, { recursive: true, force: true });
  });

  it('seeds the table once, from the first host, and both hosts serve it', async () => {
    const names = (
      await createSqlRunner(fleet.database.orm).all<{ name: string }>(
        'select "name" from "plugin_manifest" order by "name"',
        [],
      )
    ).map((row) => row.name);
    expect(names).toEqual(['echo', 'escalation', 'memory']);
    for (const host of [a, b]) {
      expect(await toolNames(host)).toContain('memory.recall');
      expect(await toolNames(host)).not.toContain('rag.search');
      expect(await toolNames(host)).not.toContain('echo.say');
    }
  });

  it('an enable on A is served by B within 2 s; a disable on B is gone from A', async () => {
    const enabled = await call(a, '/v1/admin/plugins/echo/enable', { method: 'POST' });
    expect(enabled.status).toBe(200);
    expect(enabled.body).toMatchObject({
      name: 'echo',
      state: 'enabled',
      manifestFile: 'plugin_manifest/echo',
    });
    await eventually(
      async () => ((await toolNames(b)).includes('echo.say') ? true : null),
      2_000,
      'echo.say on B',
    );
    const said = await call(b, '/v1/tools/echo.say/invoke', {
      method: 'POST',
      body: JSON.stringify({ input: { text: 'from B' } }),
    });
    expect(said.body).toMatchObject({ success: true });

    expect((await call(b, '/v1/admin/plugins/echo/disable', { method: 'POST' })).status).toBe(200);
    await eventually(
      async () => ((await toolNames(a)).includes('echo.say') ? null : true),
      2_000,
      'echo.say gone from A',
    );
  });

  it('a memory note written through A is recalled through B', async () => {
    const session = { 'x-session-id': `${run}-notes` };
    const remembered = await call(a, '/v1/tools/memory.remember/invoke', {
      method: 'POST',
      headers: session,
      body: JSON.stringify({ input: { note: 'prefers e-mail, order #490' } }),
    });
    expect(remembered.body).toMatchObject({ success: true });
    const recalled = await call(b, '/v1/tools/memory.recall/invoke', {
      method: 'POST',
      headers: session,
      body: JSON.stringify({ input: {} }),
    });
    expect(recalled.body).toMatchObject({ success: true });
    expect(JSON.stringify(recalled.body['data'])).toContain('prefers e-mail, order #490');
  });

  it('/v1/admin/plugins shows each host and where it drifts (host, version, state)', async () => {
    const report = await eventually(
      async () => {
        const fleetReport = (await call(a, '/v1/admin/plugins')).body['fleet'] as FleetReport;
        return fleetReport.hosts.length === 2 && fleetReport.drift.every((d) => d.host === 'host-b')
          ? fleetReport
          : null;
      },
      2_000,
      'both hosts reported',
    );
    expect(report.hostId).toBe('host-a');
    expect(report.hosts.map((host) => [host.hostId, host.stale])).toEqual([
      ['host-a', false],
      ['host-b', false],
    ]);
    expect(report.desired.map((d) => [d.name, d.enabled])).toEqual([
      ['echo', false],
      ['escalation', true],
      ['memory', true],
    ]);
    // B forces escalation off (ENABLE_ESCALATION=false): the one difference in the fleet.
    expect(report.drift).toEqual([
      {
        host: 'host-b',
        plugin: 'escalation',
        version: null,
        state: 'disabled',
        reason: 'desired enabled, is disabled: forced off by ENABLE_ESCALATION=false',
      },
    ]);
    const fromB = (await call(b, '/v1/admin/plugins')).body['fleet'] as FleetReport;
    expect(fromB.hostId).toBe('host-b');
    expect(fromB.drift).toEqual(report.drift);
  });

  it('a bad row is refused for its plugin alone, on every host, with its code', async () => {
    const sql = createSqlRunner(fleet.database.orm);
    await sql.all(
      `with written as (insert into "plugin_manifest" ("name", "manifest", "updated_at") values ('broken', '{"name":"broken","enabled":"yes","source":{"path":"x"}}', now()) returning "name") select pg_notify('toolhost_plugin_manifest', "name") from written`,
      [],
    );
    for (const host of [a, b]) {
      const broken = await eventually(
        async () => {
          const plugins = (await call(host, '/v1/admin/plugins')).body['plugins'] as {
            name: string;
            state: string;
            error: string | null;
          }[];
          return plugins.find((plugin) => plugin.name === 'broken') ?? null;
        },
        2_000,
        'broken listed',
      );
      expect(broken).toMatchObject({
        state: 'failed',
        error: 'Manifest plugin_manifest/broken is invalid: field "enabled" must be boolean',
      });
      expect(await toolNames(host)).toContain('memory.recall');
    }
    for (const host of [a, b]) {
      const refused = await call(host, '/v1/admin/plugins/broken/enable', { method: 'POST' });
      expect(refused.status).toBe(422);
      expect(refused.body).toMatchObject({
        code: 'TOOLHOST_HTTP_PLUGIN_REFUSED',
        detail: 'Manifest plugin_manifest/broken is invalid: field "enabled" must be boolean',
      });
    }
  });

  it('a manifest edit through the admin API reaches every host; a bad edit is refused, coded', async () => {
    const edited = await call(a, '/v1/admin/plugins/memory/manifest', {
      method: 'PUT',
      body: JSON.stringify({ config: { maxNotesPerSession: 7 }, permissions: { store: true } }),
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: 'memory', state: 'enabled' });
    const [row] = await createSqlRunner(fleet.database.orm).all<{ manifest: object }>(
      `select "manifest" from "plugin_manifest" where "name" = 'memory'`,
      [],
    );
    expect(row?.manifest).toEqual({
      name: 'memory',
      enabled: true,
      source: { path: 'memory' },
      config: { maxNotesPerSession: 7 },
      permissions: { store: true },
    });
    // B applied exactly that revision: no drift on memory anywhere.
    await eventually(
      async () => {
        const report = (await call(b, '/v1/admin/plugins')).body['fleet'] as FleetReport;
        return report.drift.some((d) => d.plugin === 'memory') ? null : true;
      },
      2_000,
      'B applied the edit',
    );
    for (const [body, field] of [
      [{ policy: { timeoutMs: 0 } }, 'policy.timeoutMs'],
      [{ source: { path: '/tmp/elsewhere' } }, 'source'],
      [{ config: 'big' }, 'config'],
    ] as const) {
      const refused = await call(a, '/v1/admin/plugins/memory/manifest', {
        method: 'PUT',
        body: JSON.stringify(body),
      });
      expect(refused.status, field).toBe(400);
      expect(refused.body['code']).toBe('TOOLHOST_HTTP_INVALID_BODY');
      expect(JSON.stringify(refused.body)).toContain(field);
    }
    const unknown = await call(a, '/v1/admin/plugins/ghost/manifest', {
      method: 'PUT',
      body: '{}',
    });
    expect(unknown.status).toBe(404);
  });

  it('a host whose notification connection drops listens again and still follows within 2 s', async () => {
    const listening = () =>
      logs.get(a)!.lines.filter((line) => line.message === 'listening for manifest changes').length;
    const before = listening();
    const sql = createSqlRunner(fleet.database.orm);
    const ended = await sql.all<{ ended: boolean }>(
      `select pg_terminate_backend(pid) as "ended" from pg_stat_activity where datname = current_database() and application_name = 'toolhost-listen'`,
      [],
    );
    expect(ended.length).toBe(2);
    await logs.get(a)!.lineMatching((line) => line.message === 'manifest watcher failed');
    await eventually(async () => (listening() > before ? true : null), 5_000, 'A listens again');
    await eventually(
      async () =>
        logs.get(b)!.lines.filter((l) => l.message === 'listening for manifest changes').length > 1
          ? true
          : null,
      5_000,
      'B listens again',
    );
    expect((await call(b, '/v1/admin/plugins/echo/enable', { method: 'POST' })).status).toBe(200);
    await pluginReaches(a, 'echo', 'enabled', 2_000);
    expect((await call(a, '/v1/admin/plugins/echo/disable', { method: 'POST' })).status).toBe(200);
    await pluginReaches(b, 'echo', 'disabled', 2_000);
  });

  it('`toolhost plugins disable` writes the table, and both hosts follow', async () => {
    const env = hostEnv(fleet.root, 'cli', [], fleet.scratch);
    const disabled = await runCli(['plugins', 'disable', 'memory'], env);
    expect(disabled.code, disabled.stderr).toBe(0);
    for (const host of [a, b]) {
      await eventually(
        async () => ((await toolNames(host)).includes('memory.recall') ? null : true),
        2_000,
        'memory gone',
      );
    }
    const listed = await runCli(['plugins', 'list'], env);
    expect(listed.stdout).toMatch(/^memory +disabled +memory$/m);
    expect((await runCli(['plugins', 'enable', 'memory'], env)).code).toBe(0);
    for (const host of [a, b]) {
      await eventually(
        async () => ((await toolNames(host)).includes('memory.recall') ? true : null),
        2_000,
        'memory back',
      );
    }
  });
});

describeFleet('a fleet host and a change that notified nobody', () => {
  let root: string;
  let scratch: ScratchDatabase;
  let host: Host;
  let database: Database;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'toolhost-fleet-reconcile-'));
    scratch = await createScratchPostgres(postgresUrl());
    host = await startFleetHost(
      hostEnv(root, 'r', ['memory'], scratch, { TOOLHOST_FLEET_RECONCILE_MS: '100' }),
    );
    database = await openDatabase(scratch.url, { migrate: false });
  });

  afterAll(async () => {
    await host?.stop();
    await database?.close();
    await scratch?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  it('applies a change that sent no notification at its next reconcile', async () => {
    // A plain SQL edit (an operator's, or one whose NOTIFY was lost) notifies nobody.
    const sql = createSqlRunner(database.orm);
    expect(
      await sql.run(
        `update "plugin_manifest" set "manifest" = jsonb_set("manifest", '{enabled}', 'false') where "name" = 'memory'`,
        [],
      ),
    ).toBe(1);
    await pluginReaches(host, 'memory', 'disabled', 5_000);
    expect(
      logs.get(host)!.lines.some((line) => line.message === 'listening for manifest changes'),
    ).toBe(true);
  });
});
