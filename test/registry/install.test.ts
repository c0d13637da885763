import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageJsonEntry, rawTarball } from '../../host/src/distribution/testing/rawTarball.js';
import { bearer, CLIENT, keysEnv } from '../support/apiKeys.js';
import { fixturePlugin } from '../support/pluginPackages.js';
import { startTestRegistry, type TestRegistry } from '../support/registry.js';
import { startTestHost, type TestHost } from '../support/testHost.js';

const ADMIN_TOKEN = 'registry-admin-token-0123456789';
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
// Installed plugins run with the default isolation of registry installs ('process'). Only a
// test whose marker must be able to appear lowers it to inline: a refusal is proved by the
// marker's absence, and in the sandbox the marker's write would be refused anyway.
const INLINE = { isolation: 'inline' } as const;

let registry: TestRegistry;
let host: TestHost;
let marker: string;

function install(target: TestHost, body: Record<string, unknown>) {
  return target.request('/v1/admin/plugins/install', {
    method: 'POST',
    headers: ADMIN,
    body: JSON.stringify(body),
  });
}

function invoke(target: TestHost, tool: string) {
  return target.request(`/v1/tools/${tool}/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(CLIENT) },
    body: '{"input":{}}',
  });
}

/** Top-level code that leaves a trace if anything ever imports the module. */
function writesMarker(file = marker): string {
  return `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(file)}, 'the code ran');\n`;
}

function installedFolders(target: TestHost): string[] {
  const dir = join(target.dirs.pluginsDir, 'installed');
  return existsSync(dir) ? readdirSync(dir).filter((name) => name !== '.staging') : [];
}

beforeAll(async () => {
  registry = await startTestRegistry();
  marker = join(registry.dir, 'CODE-RAN');
  host = await startTestHost(() => {}, {
    TOOLHOST_REGISTRY_URL: registry.url,
    TOOLHOST_ADMIN_TOKEN: ADMIN_TOKEN,
    ...keysEnv(CLIENT),
  });
});

afterAll(async () => {
  await host?.stop();
  await registry?.close();
});

describe('POST /v1/admin/plugins/install into a running host', () => {
  it('installs a pinned, disabled plugin; enabled, its tool answers, without a restart', async () => {
    await registry.publishFiles(
      fixturePlugin({ package: '@acme/plugin-hello', version: '1.0.0', plugin: 'hello' }),
    );
    const installed = await install(host, { spec: '@acme/plugin-hello@^1' });
    expect(installed.status).toBe(201);
    const answer = installed.body as { plugin: { state: string }; package: Record<string, string> };
    expect(answer.plugin.state).toBe('disabled');
    expect(answer.package).toMatchObject({ name: '@acme/plugin-hello', version: '1.0.0' });
    expect(answer.package['integrity']).toMatch(/^sha512-/);

    const manifest = JSON.parse(
      readFileSync(join(host.dirs.manifestsDir, 'hello.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(manifest).toEqual({
      name: 'hello',
      enabled: false,
      source: {
        package: '@acme/plugin-hello',
        version: '1.0.0',
        integrity: answer.package['integrity'],
        filesDigest: answer.package['filesDigest'],
      },
      isolation: 'process',
    });
    expect(installedFolders(host)).toContain('@acme+plugin-hello@1.0.0');
    expect(existsSync(join(host.dirs.dataDir, 'installs', '@acme+plugin-hello@1.0.0.json'))).toBe(
      true,
    );

    const enabled = await host.request('/v1/admin/plugins/hello/enable', {
      method: 'POST',
      headers: ADMIN,
    });
    expect(enabled.body).toMatchObject({
      state: 'enabled',
      version: '1.0.0',
      runtime: { isolation: 'process', sandbox: 'bwrap' },
    });
    expect((await invoke(host, 'hello.version')).body).toMatchObject({
      success: true,
      data: { version: '1.0.0' },
    });
  });

  it("gives a registry install 'process' isolation unless lowered: its code runs in the sandbox, where its write is refused", async () => {
    await registry.publishFiles(
      fixturePlugin({
        package: '@acme/plugin-boxed',
        version: '1.0.0',
        plugin: 'boxed',
        prelude: writesMarker(),
      }),
    );
    const installed = await install(host, { spec: '@acme/plugin-boxed', enable: true });
    expect(installed.status).toBe(422);
    expect(installed.body).toMatchObject({
      code: 'TOOLHOST_HTTP_PLUGIN_REFUSED',
      detail: expect.stringContaining('Access to this API has been restricted'),
    });
    const manifest = JSON.parse(
      readFileSync(join(host.dirs.manifestsDir, 'boxed.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(manifest).toMatchObject({ enabled: false, isolation: 'process' });
    expect(existsSync(marker)).toBe(false);
  });

  it('installs production dependencies from the registry with their install scripts not run', async () => {
    await registry.seed('node_modules/minisearch');
    await registry.publishFiles({
      'package.json': {
        name: '@fixture/tiny-dep',
        version: '1.0.0',
        type: 'module',
        main: 'index.js',
        scripts: { postinstall: `node -e "require('fs').writeFileSync('${marker}', 'x')"` },
      },
      'index.js': 'export const tiny = 1;\n',
    });
    await registry.publishFiles(
      fixturePlugin({
        package: '@acme/plugin-search',
        version: '1.0.0',
        plugin: 'search',
        dependencies: { minisearch: '7.2.0', '@fixture/tiny-dep': '^1.0.0' },
        prelude: `import MiniSearch from 'minisearch';\nimport { tiny } from '@fixture/tiny-dep';\nif (typeof MiniSearch !== 'function' || tiny !== 1) throw new Error('dependencies missing');\n`,
      }),
    );
    const installed = await install(host, { spec: '@acme/plugin-search', enable: true });
    expect(installed.status).toBe(201);
    expect((await invoke(host, 'search.version')).body).toMatchObject({ success: true });
    const record = JSON.parse(
      readFileSync(join(host.dirs.dataDir, 'installs', '@acme+plugin-search@1.0.0.json'), 'utf8'),
    ) as { files: Record<string, string>; lockfile: string | null };
    expect(Object.keys(record.files)).toContain('node_modules/minisearch/package.json');
    expect(record.lockfile).toContain('"node_modules/minisearch"');
    expect(existsSync(marker)).toBe(false);
  });

  it("grants a process plugin no read outside its own folder, whatever its package.json's dependency names say", async () => {
    // Its dependency names point at the host's root (which holds data/ and a package.json,
    // as a deployment in the repository's folder does) and at a package of the host's own.
    const { root, dataDir } = host.dirs;
    writeFileSync(join(root, 'package.json'), '{"name":"the-host"}');
    writeFileSync(join(dataDir, 'secret.txt'), 'the host data');
    mkdirSync(join(root, 'node_modules', 'host-only'), { recursive: true });
    writeFileSync(join(root, 'node_modules', 'host-only', 'package.json'), '{"name":"host-only"}');
    const targets = {
      dataDir: join(dataDir, 'secret.txt'),
      hostPackage: join(root, 'node_modules', 'host-only', 'package.json'),
    };
    try {
      await registry.publishFiles(
        fixturePlugin({
          package: '@acme/plugin-reach',
          version: '1.0.0',
          plugin: 'reach',
          fields: {
            peerDependencies: {
              '@toolhost/plugin-sdk': '^1.0.0',
              '../../../..': '*',
              'host-only': '*',
            },
          },
          files: {
            'index.js': `import { readFileSync } from 'node:fs';
import { BaseTool, definePlugin, ok } from '@toolhost/plugin-sdk';
const targets = ${JSON.stringify(targets)};
const outcome = {};
for (const [what, file] of Object.entries(targets)) {
  try {
    readFileSync(file, 'utf8');
    outcome[what] = 'read';
  } catch (error) {
    outcome[what] = error.code;
  }
}
class Tool extends BaseTool {
  async reads() {
    return ok(outcome);
  }
}
export default definePlugin({
  name: 'reach',
  tools: { reads: { description: 'What it could read', inputSchema: { type: 'object' } } },
  create: (ctx) => new Tool(ctx),
});
`,
          },
        }),
      );
      const installed = await install(host, { spec: '@acme/plugin-reach', enable: true });
      expect(installed.status, JSON.stringify(installed.body)).toBe(201);
      expect((await invoke(host, 'reach.reads')).body).toMatchObject({
        success: true,
        data: { dataDir: 'ERR_ACCESS_DENIED', hostPackage: 'ERR_ACCESS_DENIED' },
      });
    } finally {
      rmSync(join(root, 'package.json'));
      rmSync(join(root, 'node_modules'), { recursive: true });
    }
  });

  it('refuses a package whose toolhost.sdk range refuses this host, before any of its code runs', async () => {
    await registry.publishFiles(
      fixturePlugin({
        package: '@acme/plugin-future',
        version: '1.0.0',
        plugin: 'future',
        sdk: '^9.0.0',
        prelude: writesMarker(),
      }),
    );
    const installed = await install(host, { spec: '@acme/plugin-future', manifest: INLINE });
    expect(installed.status).toBe(422);
    expect(installed.body).toMatchObject({
      code: 'TOOLHOST_HTTP_PLUGIN_REFUSED',
      detail:
        "Plugin '@acme/plugin-future@1.0.0' requires @toolhost/plugin-sdk ^9.0.0, but the host provides 1.1.0",
    });
    expect(existsSync(marker)).toBe(false);
    expect(installedFolders(host).some((name) => name.includes('future'))).toBe(false);
    expect(existsSync(join(host.dirs.manifestsDir, 'future.json'))).toBe(false);
  });

  it('refuses a tarball whose package.json needs another SDK than the registry document claims', async () => {
    const pkg = fixturePlugin({
      package: '@acme/plugin-confused',
      version: '1.0.0',
      plugin: 'confused',
      prelude: writesMarker(),
    });
    const claimed = pkg['package.json'] as Record<string, unknown>;
    const shipped = { ...claimed, toolhost: { sdk: '^9.0.0' } };
    await registry.rawPublish(
      claimed,
      rawTarball([
        { path: 'package/package.json', data: JSON.stringify(shipped) },
        { path: 'package/index.js', data: pkg['index.js'] as string },
      ]),
    );
    const installed = await install(host, { spec: '@acme/plugin-confused', manifest: INLINE });
    expect(installed.status).toBe(422);
    expect((installed.body as { detail: string }).detail).toContain(
      '^9.0.0 (its package.json; the registry said ^1.0.0)',
    );
    expect(existsSync(marker)).toBe(false);
    expect(installedFolders(host).some((name) => name.includes('confused'))).toBe(false);
  });

  it('refuses a tarball whose bytes do not match the registry integrity (storage tampered with)', async () => {
    await registry.publishFiles(
      fixturePlugin({ package: '@acme/plugin-tampered', version: '1.0.0', plugin: 'tampered' }),
    );
    const file = join(registry.storage, '@acme', 'plugin-tampered', 'plugin-tampered-1.0.0.tgz');
    const tar = gunzipSync(readFileSync(file));
    tar[tar.indexOf('Which version answers')] = 'w'.charCodeAt(0);
    writeFileSync(file, gzipSync(tar));
    const installed = await install(host, { spec: '@acme/plugin-tampered' });
    expect(installed.status).toBe(422);
    expect(installed.body).toMatchObject({
      code: 'TOOLHOST_HTTP_PLUGIN_REFUSED',
      detail: expect.stringMatching(
        /^@acme\/plugin-tampered@1\.0\.0 is refused: the tarball's bytes do not match sha512-/,
      ),
    });
    expect(installedFolders(host).some((name) => name.includes('tampered'))).toBe(false);
  });

  it.each([
    ['a ../ entry', { path: 'package/../../../escaped.js', data: 'x' }, "'..' in its path"],
    [
      'a symlink',
      { path: 'package/index.js', type: 'SymbolicLink' as const, linkpath: '/etc/passwd' },
      'a symlink to "/etc/passwd"',
    ],
  ])('refuses a tarball with %s, and writes nothing', async (label, entry, reason) => {
    const name = `@acme/plugin-hostile-${label.includes('symlink') ? 'link' : 'dots'}`;
    await registry.rawPublish(
      { name, version: '1.0.0', toolhost: { sdk: '^1.0.0' } },
      rawTarball([packageJsonEntry({ name }), entry]),
    );
    const installed = await install(host, { spec: name });
    expect(installed.status).toBe(422);
    expect((installed.body as { detail: string }).detail).toContain(reason);
    expect(installedFolders(host).some((folder) => folder.includes('hostile'))).toBe(false);
    expect(readdirSync(join(host.dirs.pluginsDir, 'installed', '.staging'))).toEqual([]);
    expect(existsSync(join(host.dirs.root, 'escaped.js'))).toBe(false);
  });

  it('refuses a dependency that is not a registry version, before npm runs', async () => {
    await registry.publishFiles(
      fixturePlugin({
        package: '@acme/plugin-sideload',
        version: '1.0.0',
        plugin: 'sideload',
        dependencies: { evil: 'git+https://example.com/evil.git' },
      }),
    );
    const installed = await install(host, { spec: '@acme/plugin-sideload' });
    expect(installed.status).toBe(422);
    expect((installed.body as { detail: string }).detail).toBe(
      '@acme/plugin-sideload@1.0.0 is not an installable toolhost plugin: its dependency evil is "git+https://example.com/evil.git", not a version range of the registry',
    );
    expect(installedFolders(host).some((name) => name.includes('sideload'))).toBe(false);
  });

  it('answers 404 for a package the registry does not have, and 409 for a plugin name in use', async () => {
    const missing = await install(host, { spec: '@acme/not-published' });
    expect(missing.status).toBe(404);
    expect((missing.body as { detail: string }).detail).toContain(
      'has no @acme/not-published@latest',
    );
    const again = await install(host, { spec: '@acme/plugin-hello' });
    expect(again.status).toBe(409);
    expect((again.body as { detail: string }).detail).toContain(
      'use toolhost plugins update hello',
    );
  });

  it('the marker fixture does leave its trace when it is installed compatible and inline (so the refusals above prove something)', async () => {
    const control = join(registry.dir, 'CONTROL-RAN');
    await registry.publishFiles(
      fixturePlugin({
        package: '@acme/plugin-control',
        version: '1.0.0',
        plugin: 'control',
        prelude: writesMarker(control),
      }),
    );
    // Inline on purpose: the marker is a write to the host's files, which the sandbox refuses.
    const installed = await install(host, {
      spec: '@acme/plugin-control',
      enable: true,
      manifest: INLINE,
    });
    expect(installed.status).toBe(201);
    expect(readFileSync(control, 'utf8')).toBe('the code ran');
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a spec that is not a registry spec, and a manifest that sets the source', async () => {
    const git = await install(host, { spec: 'git+https://example.com/evil.git' });
    expect(git.status).toBe(422);
    const sourced = await install(host, {
      spec: '@acme/plugin-hello',
      manifest: { source: { path: 'x' } },
    });
    expect(sourced.status).toBe(400);
  });
});

describe('a registry that cannot serve', () => {
  const hosts: TestHost[] = [];
  afterAll(async () => {
    for (const started of hosts) await started.stop();
  });

  async function hostFor(env: Record<string, string>): Promise<TestHost> {
    const started = await startTestHost(() => {}, { TOOLHOST_ADMIN_TOKEN: ADMIN_TOKEN, ...env });
    hosts.push(started);
    return started;
  }

  it('answers 409 when no registry is configured', async () => {
    const target = await hostFor({});
    const installed = await install(target, { spec: '@acme/plugin-hello' });
    expect(installed.status).toBe(409);
    expect((installed.body as { detail: string }).detail).toBe(
      'No package registry is configured: set TOOLHOST_REGISTRY_URL to install @acme/plugin-hello@latest',
    );
  });

  it('answers 502 with the reason when the registry is down', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const target = await hostFor({
      TOOLHOST_REGISTRY_URL: `http://127.0.0.1:${port}/`,
      TOOLHOST_REGISTRY_RETRIES: '0',
    });
    const installed = await install(target, { spec: '@acme/plugin-hello' });
    expect(installed.status).toBe(502);
    expect(installed.body).toMatchObject({
      code: 'TOOLHOST_HTTP_BAD_GATEWAY',
      detail: expect.stringContaining(
        `The registry http://127.0.0.1:${port}/ could not be reached`,
      ),
    });
    expect((installed.body as { detail: string }).detail).toContain('ECONNREFUSED');
  });

  it('gives up on a registry that accepts the connection and never answers (TOOLHOST_REGISTRY_TIMEOUT_MS)', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const target = await hostFor({
        TOOLHOST_REGISTRY_URL: `http://127.0.0.1:${port}/`,
        TOOLHOST_REGISTRY_TIMEOUT_MS: '300',
        TOOLHOST_REGISTRY_RETRIES: '1',
      });
      const installed = await install(target, { spec: '@acme/plugin-hello' });
      expect(installed.status).toBe(502);
      expect((installed.body as { detail: string }).detail).toMatch(/timeout/i);
      expect(sockets.size).toBe(2);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
