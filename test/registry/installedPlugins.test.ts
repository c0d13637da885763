import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../../host/src/startHost.js';
import { bearer, CLIENT, keysEnv } from '../support/apiKeys.js';
import { createCapturingLogger } from '../support/capturingLogger.js';
import { runCli } from '../support/hostProcess.js';
import { fixturePlugin } from '../support/pluginPackages.js';
import { startTestRegistry, type TestRegistry } from '../support/registry.js';
import { createHostDirs, testSettings, type HostDirs } from '../support/testHost.js';

const ADMIN_TOKEN = 'registry-admin-token-0123456789';
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

let registry: TestRegistry;
let deadRegistry: string;
const running: Host[] = [];
const made: HostDirs[] = [];

async function startOn(dirs: HostDirs, env: Record<string, string> = {}): Promise<Host> {
  const host = await startHost(
    testSettings(dirs, {
      TOOLHOST_REGISTRY_URL: registry.url,
      TOOLHOST_ADMIN_TOKEN: ADMIN_TOKEN,
      ...keysEnv(CLIENT),
      ...env,
    }),
    { logger: createCapturingLogger().logger },
  );
  running.push(host);
  return host;
}

async function stop(host: Host): Promise<void> {
  running.splice(running.indexOf(host), 1);
  await host.stop();
}

function freshDirs(): HostDirs {
  const dirs = createHostDirs();
  made.push(dirs);
  return dirs;
}

async function call(
  host: Host,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${host.url}${path}`, {
    method: init.method ?? 'POST',
    headers: init.headers ?? ADMIN,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

const invoke = (host: Host, tool: string) =>
  call(host, `/v1/tools/${tool}/invoke`, {
    body: { input: {} },
    headers: { 'content-type': 'application/json', ...bearer(CLIENT) },
  });

async function publish(
  name: string,
  version: string,
  extra: Partial<Parameters<typeof fixturePlugin>[0]> = {},
) {
  await registry.publishFiles(
    fixturePlugin({ package: `@acme/plugin-${name}`, version, plugin: name, ...extra }),
  );
}

async function installEnabled(host: Host, name: string): Promise<void> {
  const installed = await call(host, '/v1/admin/plugins/install', {
    body: { spec: `@acme/plugin-${name}`, enable: true },
  });
  expect(installed.status, JSON.stringify(installed.body)).toBe(201);
  expect(host.registry.status(name).runtime).toMatchObject({
    isolation: 'process',
    sandbox: 'bwrap',
  });
}

beforeAll(async () => {
  registry = await startTestRegistry();
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  deadRegistry = `http://127.0.0.1:${(closed.address() as { port: number }).port}/`;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
});

afterEach(async () => {
  for (const host of [...running]) await stop(host);
});

afterAll(async () => {
  for (const dirs of made) dirs.remove();
  await registry?.close();
});

describe('tamper evidence at every load', () => {
  it('refuses an installed file that was changed, added or removed, naming it', async () => {
    await publish('guarded', '1.0.0');
    const dirs = freshDirs();
    const host = await startOn(dirs);
    await installEnabled(host, 'guarded');
    const dir = join(dirs.pluginsDir, 'installed', '@acme+plugin-guarded@1.0.0');
    const original = readFileSync(join(dir, 'index.js'), 'utf8');

    for (const [edit, undo, message] of [
      [
        () => appendFileSync(join(dir, 'index.js'), '\nglobalThis.stolen = process.env;\n'),
        () => writeFileSync(join(dir, 'index.js'), original),
        'file index.js was changed after install',
      ],
      [
        () => writeFileSync(join(dir, 'extra.js'), 'export {};\n'),
        () => rmSync(join(dir, 'extra.js')),
        'file extra.js was added after install',
      ],
      [
        () => rmSync(join(dir, 'package.json')),
        () => undefined,
        'file package.json was removed after install',
      ],
    ] as const) {
      edit();
      const reload = await call(host, '/v1/admin/plugins/guarded/reload');
      expect(reload.status).toBe(422);
      expect(reload.body).toMatchObject({
        code: 'TOOLHOST_HTTP_PLUGIN_REFUSED',
        detail: `Plugin 'guarded' (@acme/plugin-guarded@1.0.0) is refused: ${message}; reinstall it with toolhost plugins install`,
      });
      undo();
    }
    // A restart loads it afresh: refused too, with the same reason, while the rest serves.
    await stop(host);
    const again = await startOn(dirs);
    expect(again.registry.status('guarded')).toMatchObject({
      state: 'failed',
      error: expect.stringContaining('file package.json was removed after install'),
    });
  });

  it('refuses a manifest whose pinned integrity differs from the installed package', async () => {
    await publish('pinned', '1.0.0');
    const dirs = freshDirs();
    const host = await startOn(dirs);
    await installEnabled(host, 'pinned');
    const file = join(dirs.manifestsDir, 'pinned.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { source: { integrity: string } };
    manifest.source.integrity = `sha512-${'A'.repeat(86)}==`;
    writeFileSync(file, JSON.stringify(manifest));
    const reload = await call(host, '/v1/admin/plugins/pinned/reload');
    expect(reload.status).toBe(422);
    expect(reload.body['detail']).toContain(
      `the manifest of plugin 'pinned' pins integrity sha512-AAAA`,
    );
  });

  it('refuses a package placed by hand, with no install record, without running any of it', async () => {
    const dirs = freshDirs();
    const marker = join(dirs.root, 'CODE-RAN');
    const code = `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport default {};\n`;
    // Both manifests ask for inline, so the marker would appear if a refusal did not hold: in
    // the sandbox its write would be refused anyway, and its absence would prove nothing.
    const bogus = `sha512-${'B'.repeat(86)}==`;
    // In plugins/installed/, where the installer puts it, but not by the installer.
    const placed = join(dirs.pluginsDir, 'installed', '@acme+plugin-placed@1.0.0');
    mkdirSync(placed, { recursive: true });
    writeFileSync(
      join(placed, 'package.json'),
      JSON.stringify({
        name: '@acme/plugin-placed',
        version: '1.0.0',
        type: 'module',
        toolhost: { sdk: '^1.0.0' },
      }),
    );
    writeFileSync(join(placed, 'index.js'), code);
    dirs.writeManifest({
      name: 'placed',
      enabled: true,
      source: { package: '@acme/plugin-placed', version: '1.0.0', integrity: bogus },
      isolation: 'inline',
    });
    // Where earlier versions of the host looked (plugins/node_modules), with a bogus pin.
    await publish('hello', '1.0.0');
    const legacy = join(dirs.pluginsDir, 'node_modules', '@acme', 'plugin-hello');
    mkdirSync(legacy, { recursive: true });
    writeFileSync(
      join(legacy, 'package.json'),
      JSON.stringify({
        name: '@acme/plugin-hello',
        version: '1.0.0',
        type: 'module',
        toolhost: { sdk: '^1.0.0' },
      }),
    );
    writeFileSync(join(legacy, 'index.js'), code);
    dirs.writeManifest({
      name: 'hello',
      enabled: true,
      source: { package: '@acme/plugin-hello', version: '1.0.0', integrity: bogus },
      isolation: 'inline',
    });

    const host = await startOn(dirs);
    expect(host.registry.status('placed')).toMatchObject({
      state: 'failed',
      error: expect.stringContaining('installed/@acme+plugin-placed@1.0.0 has no install record'),
    });
    expect(host.registry.status('hello')).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(
        /reinstalling it failed: .*the registry's integrity is not the pinned sha512-BBBB/,
      ),
    });
    expect(existsSync(marker)).toBe(false);
  });
});

describe('updates', () => {
  it('switches a plugin to a new version under load with no failed call (blue/green)', async () => {
    await publish('live', '1.0.0');
    const dirs = freshDirs();
    const host = await startOn(dirs);
    await installEnabled(host, 'live');
    await publish('live', '2.0.0');

    const seen = new Set<string>();
    const failures: unknown[] = [];
    let calls = 0;
    let updating = true;
    const worker = async () => {
      // Bounded: it stops when the update is done, or after 5000 calls.
      while (updating && calls < 5_000) {
        calls += 1;
        const answer = await invoke(host, 'live.version');
        const data = answer.body['data'] as { version?: string } | undefined;
        if (answer.status !== 200 || answer.body['success'] !== true) failures.push(answer.body);
        else seen.add(String(data?.version));
      }
    };
    const load = Promise.all([worker(), worker(), worker(), worker()]);
    const update = await call(host, '/v1/admin/plugins/live/update');
    updating = false;
    await load;

    expect(update.status).toBe(200);
    expect(update.body).toMatchObject({
      from: '1.0.0',
      to: { name: '@acme/plugin-live', version: '2.0.0' },
      changed: true,
      plugin: { state: 'enabled', version: '2.0.0' },
    });
    expect(failures).toEqual([]);
    expect(seen.has('1.0.0')).toBe(true);
    expect((await invoke(host, 'live.version')).body['data']).toEqual({ version: '2.0.0' });
    expect(calls).toBeGreaterThan(4);

    // One previous version stays (a running host may still drain it); the next update prunes it.
    await publish('live', '3.0.0');
    const next = await call(host, '/v1/admin/plugins/live/update', { body: { range: '^3.0.0' } });
    expect(next.body).toMatchObject({ from: '2.0.0', pruned: ['1.0.0'] });
    expect(
      readdirSync(join(dirs.pluginsDir, 'installed'))
        .filter((f) => f.includes('live'))
        .sort(),
    ).toEqual(['@acme+plugin-live@2.0.0', '@acme+plugin-live@3.0.0']);
    const same = await call(host, '/v1/admin/plugins/live/update');
    expect(same.body).toMatchObject({ changed: false, to: { version: '3.0.0' } });
  });

  it('keeps the running version and the manifest when the new version cannot start', async () => {
    await publish('steady', '1.0.0');
    const dirs = freshDirs();
    const host = await startOn(dirs);
    await installEnabled(host, 'steady');
    const before = readFileSync(join(dirs.manifestsDir, 'steady.json'), 'utf8');
    await publish('steady', '1.1.0', { prelude: "throw new Error('1.1.0 is broken');\n" });
    const update = await call(host, '/v1/admin/plugins/steady/update');
    expect(update.status).toBe(422);
    expect(update.body['detail']).toContain('1.1.0 is broken');
    expect(readFileSync(join(dirs.manifestsDir, 'steady.json'), 'utf8')).toBe(before);
    expect((await invoke(host, 'steady.version')).body['data']).toEqual({ version: '1.0.0' });
    expect(existsSync(join(dirs.pluginsDir, 'installed', '@acme+plugin-steady@1.1.0'))).toBe(false);
  });

  it('removes a plugin: drained, then its manifest, folders and records are gone', async () => {
    await publish('gone', '1.0.0');
    const dirs = freshDirs();
    const host = await startOn(dirs);
    await installEnabled(host, 'gone');
    const removed = await call(host, '/v1/admin/plugins/gone/remove');
    expect(removed.body).toEqual({ name: 'gone', removed: ['1.0.0'] });
    expect(host.registry.knows('gone')).toBe(false);
    expect(existsSync(join(dirs.manifestsDir, 'gone.json'))).toBe(false);
    expect(existsSync(join(dirs.pluginsDir, 'installed', '@acme+plugin-gone@1.0.0'))).toBe(false);
    expect(existsSync(join(dirs.dataDir, 'installs', '@acme+plugin-gone@1.0.0.json'))).toBe(false);
  });
});

describe('restarts and new machines', () => {
  it('reinstalls pinned packages missing from plugins/, verified, before serving them', async () => {
    await registry.seed('node_modules/minisearch');
    await publish('indexed', '1.0.0', {
      dependencies: { minisearch: '7.2.0' },
      prelude:
        "import MiniSearch from 'minisearch';\nif (typeof MiniSearch !== 'function') throw new Error('no minisearch');\n",
    });
    await publish('plain', '1.0.0');
    const dirs = freshDirs();
    dirs.addPlugin('greeter');
    dirs.writeManifest({ name: 'greeter', enabled: true, source: { path: 'greeter' } });
    const first = await startOn(dirs);
    await installEnabled(first, 'indexed');
    await installEnabled(first, 'plain');
    const recorded = readFileSync(
      join(dirs.dataDir, 'installs', '@acme+plugin-indexed@1.0.0.json'),
      'utf8',
    );
    await stop(first);

    rmSync(join(dirs.pluginsDir, 'installed'), { recursive: true, force: true });
    const second = await startOn(dirs);
    expect(second.registry.status('indexed')).toMatchObject({ state: 'enabled', version: '1.0.0' });
    expect((await invoke(second, 'plain.version')).body['data']).toEqual({ version: '1.0.0' });
    expect((await invoke(second, 'indexed.version')).body['success']).toBe(true);
    const reinstalled = JSON.parse(
      readFileSync(join(dirs.dataDir, 'installs', '@acme+plugin-indexed@1.0.0.json'), 'utf8'),
    ) as { filesDigest: string; lockfile: string };
    const before = JSON.parse(recorded) as { filesDigest: string; lockfile: string };
    expect(reinstalled.filesDigest).toBe(before.filesDigest);
    expect(reinstalled.lockfile).toBe(before.lockfile);
    await stop(second);

    // A new machine whose registry is down: those plugins fail with the reason, the rest serves.
    rmSync(join(dirs.pluginsDir, 'installed'), { recursive: true, force: true });
    const third = await startOn(dirs, {
      TOOLHOST_REGISTRY_URL: deadRegistry,
      TOOLHOST_REGISTRY_RETRIES: '0',
    });
    for (const name of ['indexed', 'plain']) {
      expect(third.registry.status(name)).toMatchObject({
        state: 'failed',
        error: expect.stringMatching(
          new RegExp(
            `^Plugin '${name}' \\(@acme/plugin-${name}@1\\.0\\.0\\) is not installed: its folder is missing and reinstalling it failed: The registry ${deadRegistry} could not be reached`,
          ),
        ),
      });
    }
    expect(third.registry.status('greeter').state).toBe('enabled');
    const ready = await call(third, '/readyz', { method: 'GET' });
    expect(ready.body['plugins']).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'plain', state: 'failed' })]),
    );
  });
});

describe('the CLI on the files of a running host', () => {
  it('installs, lists (with the file check), updates and removes; the host follows each', async () => {
    await publish('tooled', '1.0.0');
    const dirs = freshDirs();
    const host = await startOn(dirs);
    const env = {
      TOOLHOST_MANIFESTS_DIR: dirs.manifestsDir,
      TOOLHOST_PLUGINS_DIR: dirs.pluginsDir,
      TOOLHOST_DATA_DIR: dirs.dataDir,
      TOOLHOST_REGISTRY_URL: registry.url,
    };
    const installed = await runCli(
      ['plugins', 'install', '@acme/plugin-tooled@^1', '--enable'],
      env,
    );
    expect(installed.code, installed.stderr).toBe(0);
    await host.plugins?.sync();
    expect((await invoke(host, 'tooled.version')).body['data']).toEqual({ version: '1.0.0' });

    const dir = join(dirs.pluginsDir, 'installed', '@acme+plugin-tooled@1.0.0');
    appendFileSync(join(dir, 'index.js'), '//');
    const listed = await runCli(['plugins', 'list'], env);
    expect(listed.stdout).toMatch(
      /^tooled +enabled +@acme\/plugin-tooled@1\.0\.0 +sha512-\S+… +Plugin 'tooled' .* file index\.js was changed after install/m,
    );
    rmSync(dir, { recursive: true });
    expect((await runCli(['plugins', 'list'], env)).stdout).toContain(
      'missing (reinstalled at its next load)',
    );

    await publish('tooled', '1.1.0');
    const updated = await runCli(['plugins', 'update', 'tooled'], env);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stdout).toContain('updated tooled: 1.0.0 -> 1.1.0');
    await host.plugins?.sync();
    expect((await invoke(host, 'tooled.version')).body['data']).toEqual({ version: '1.1.0' });

    const removed = await runCli(['plugins', 'remove', 'tooled'], env);
    expect(removed.code, removed.stderr).toBe(0);
    await host.plugins?.sync();
    expect(host.registry.knows('tooled')).toBe(false);
    expect(
      readdirSync(join(dirs.pluginsDir, 'installed')).filter((f) => f.includes('tooled')),
    ).toEqual([]);
  });
});
