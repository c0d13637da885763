import { afterAll, beforeAll, expect, it } from 'vitest';
import { createScratchPostgres } from '../../host/src/db/testing/createScratchPostgres.js';
import type { ScratchDatabase } from '../../host/src/db/testing/ScratchDatabase.js';
import type { FleetReport } from '../../host/src/fleet/fleetDrift.js';
import { startHost, type Host } from '../../host/src/startHost.js';
import { createCapturingLogger } from '../support/capturingLogger.js';
import { fixturePlugin } from '../support/pluginPackages.js';
import { startTestRegistry, type TestRegistry } from '../support/registry.js';
import { describeWithPostgres, postgresUrl } from '../support/services.js';
import { createHostDirs, testSettings, type HostDirs } from '../support/testHost.js';

const ADMIN_TOKEN = 'fleet-install-admin-token-0123456789';
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

async function call(host: Host, path: string, body?: unknown) {
  const response = await fetch(`${host.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: ADMIN,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function eventually<T>(probe: () => Promise<T | null>, deadlineMs: number, what: string) {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > end) throw new Error(`not within ${deadlineMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describeWithPostgres('a registry install on one host of a fleet', () => {
  let registry: TestRegistry;
  let scratch: ScratchDatabase;
  const dirs: HostDirs[] = [];
  const hosts: Record<string, Host> = {};

  const start = async (name: string, env: Record<string, string>) => {
    const hostDirs = createHostDirs();
    dirs.push(hostDirs);
    hosts[name] = await startHost(
      testSettings(hostDirs, {
        DATABASE_URL: scratch.url,
        TOOLHOST_ADMIN_TOKEN: ADMIN_TOKEN,
        TOOLHOST_HOST_ID: `host-${name}`,
        TOOLHOST_FLEET_RECONCILE_MS: '600000',
        ...env,
      }),
      { logger: createCapturingLogger().logger },
    );
  };

  beforeAll(async () => {
    registry = await startTestRegistry();
    scratch = await createScratchPostgres(postgresUrl());
    await registry.publishFiles(
      fixturePlugin({ package: '@acme/plugin-shared', version: '1.0.0', plugin: 'shared' }),
    );
    await start('a', { TOOLHOST_REGISTRY_URL: registry.url });
    await start('b', { TOOLHOST_REGISTRY_URL: registry.url });
    // C has no registry: it cannot get the package, and says so.
    await start('c', {});
  }, 60_000);

  afterAll(async () => {
    for (const host of Object.values(hosts)) await host.stop();
    for (const hostDirs of dirs) hostDirs.remove();
    await scratch?.drop();
    await registry?.close();
  });

  it('is installed, verified, on every host that can reach the registry; the others show drift', async () => {
    const { a, b, c } = hosts as Record<'a' | 'b' | 'c', Host>;
    const installed = await call(a, '/v1/admin/plugins/install', {
      spec: '@acme/plugin-shared',
      enable: true,
    });
    expect(installed.status, JSON.stringify(installed.body)).toBe(201);
    const pinned = (installed.body['package'] as { integrity: string }).integrity;

    // B never installed it: the pinned manifest reached it, and it reinstalled exactly that
    // release from its registry, integrity and file digest checked, before loading it.
    await eventually(
      async () => (b.registry.status('shared').state === 'enabled' ? true : null),
      10_000,
      'shared enabled on B',
    );
    expect(b.registry.status('shared')).toMatchObject({ version: '1.0.0', state: 'enabled' });
    expect(b.registry.get('shared.version')).toBeDefined();

    const report = await eventually(
      async () => {
        const fleet = (await call(a, '/v1/admin/plugins')).body['fleet'] as FleetReport;
        return fleet.drift.length === 1 && fleet.hosts.length === 3 ? fleet : null;
      },
      10_000,
      'C reported its failure',
    );
    expect(report.desired.find((d) => d.name === 'shared')).toMatchObject({
      enabled: true,
      version: '1.0.0',
    });
    expect(report.drift).toEqual([
      {
        host: 'host-c',
        plugin: 'shared',
        version: null,
        state: 'failed',
        reason: expect.stringMatching(
          /^desired enabled, is failed: .*its folder is missing and reinstalling it failed: No package registry is configured/,
        ),
      },
    ]);
    expect(c.registry.status('shared').state).toBe('failed');
    expect(pinned).toMatch(/^sha512-/);
  });
});
