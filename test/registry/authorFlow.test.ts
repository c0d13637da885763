import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCAFFOLD_DEV_DEPENDENCIES } from '../../host/src/cli/scaffoldPlugin.js';
import { CLI, runCli, startHostProcess, type HostProcess } from '../support/hostProcess.js';
import { npmEnv, REPO, startTestRegistry, type TestRegistry } from '../support/registry.js';

// A plugin author's whole path, outside the repository, with the real tools: `toolhost plugins
// new`, npm install from the private registry, build, the harness test, npm publish (SDK and
// plugin), `toolhost plugins sign`, and `toolhost plugins install` into a running host process.
const run = promisify(execFile);
const API_KEY = 'billing-api-key';

let registry: TestRegistry;
let service: Server;
let serviceUrl: string;
let root: string;
let env: Record<string, string>;
let host: HostProcess | null = null;

/** A child's environment without what this vitest run sets for its own workers. */
function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(npmEnv({ NO_COLOR: '1', ...extra })).filter(
      ([key]) => !/^(VITEST|TEST$|NODE_OPTIONS$|FORCE_COLOR$)/.test(key),
    ),
  );
}

beforeAll(async () => {
  expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
  registry = await startTestRegistry();
  root = mkdtempSync(join(tmpdir(), 'toolhost-author-'));
  for (const dir of ['manifests', 'plugins', 'data', 'author']) mkdirSync(join(root, dir));
  env = {
    TOOLHOST_MANIFESTS_DIR: join(root, 'manifests'),
    TOOLHOST_PLUGINS_DIR: join(root, 'plugins'),
    TOOLHOST_DATA_DIR: join(root, 'data'),
    TOOLHOST_REGISTRY_URL: registry.url,
    LOG_LEVEL: 'info',
  };
  // The service the new connector talks to.
  service = createServer((req, res) => {
    const ok = req.headers.authorization === `Bearer ${API_KEY}`;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ok ? { id: 'INV-7', name: 'March invoice', status: 'paid' } : {}));
  });
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  serviceUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await host?.stop('SIGKILL');
  await new Promise<void>((resolve) => service?.close(() => resolve()));
  await registry?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('publish and install a plugin, as an author and an operator would', () => {
  it('scaffolds, builds, tests, publishes, signs and installs into a running host, served without a restart', async () => {
    const pluginDir = join(root, 'author', 'billing');
    const created = await runCli(
      ['plugins', 'new', 'billing', '--dir', pluginDir, '--package', '@acme/plugin-billing'],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    const pkg = JSON.parse(readFileSync(join(pluginDir, 'package.json'), 'utf8')) as {
      private?: boolean;
      toolhost: unknown;
      publishConfig: unknown;
      devDependencies: Record<string, string>;
    };
    expect(pkg.private).toBeUndefined();
    const sdk = JSON.parse(readFileSync(join(REPO, 'plugin-sdk/package.json'), 'utf8')) as {
      version: string;
    };
    expect(pkg.toolhost).toEqual({ sdk: `^${sdk.version}`, name: 'billing' });
    expect(pkg.publishConfig).toEqual({ registry: registry.url });
    expect(readFileSync(join(pluginDir, '.npmrc'), 'utf8')).toBe(
      `@toolhost:registry=${registry.url}\n`,
    );
    expect(readFileSync(join(pluginDir, 'tsconfig.json'), 'utf8')).not.toContain('extends');

    // The registry has no uplink: the SDK and its dependencies, and @types/node, are published into it.
    await registry.seed('plugin-sdk/node_modules/ajv');
    await registry.seed('node_modules/@types/node');
    await registry.npm(['publish', '-w', 'plugin-sdk'], REPO);

    // No network in tests: typescript and vitest are not in the private registry, so this
    // install leaves them out and the repository's own (the same pinned versions) build and test it.
    const offline = Object.fromEntries(
      Object.entries(pkg.devDependencies).filter(
        ([name]) => name !== 'typescript' && name !== 'vitest',
      ),
    );
    writeFileSync(
      join(pluginDir, 'package.json'),
      JSON.stringify({ ...pkg, devDependencies: offline }, null, 2),
    );
    await registry.npm(['install'], pluginDir);
    expect(
      existsSync(join(pluginDir, 'node_modules', '@toolhost', 'plugin-sdk', 'dist', 'index.js')),
    ).toBe(true);
    await run(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', pluginDir], {
      env: childEnv(),
    });
    expect(existsSync(join(pluginDir, 'dist', 'index.js'))).toBe(true);
    const tested = await run(
      process.execPath,
      [
        join(REPO, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--root',
        pluginDir,
        '--reporter',
        'dot',
      ],
      { env: childEnv({ CI: '1' }), cwd: pluginDir },
    );
    expect(`${tested.stdout}${tested.stderr}`).toMatch(/Tests\s+4 passed/);
    // Built already, and this install has no tsc of its own for prepack.
    await registry.npm(['publish', '--ignore-scripts'], pluginDir);

    // The operator: a key, a host that trusts only signed plugins, and the plugin's manifest choices.
    const keyFile = join(root, 'publisher.pem');
    const keygen = await runCli(['plugins', 'keygen', keyFile], env);
    expect(keygen.code, keygen.stderr).toBe(0);
    const publicKey = /public key {2}(\S+)/.exec(keygen.stdout)?.[1] ?? '';
    const trusting = {
      ...env,
      TOOLHOST_REQUIRE_SIGNED_PLUGINS: 'true',
      TOOLHOST_TRUSTED_PUBLISHER_KEYS: publicKey,
    };
    host = await startHostProcess({ ...trusting, BILLING_API_KEY: API_KEY });
    const choices = JSON.parse(readFileSync(join(pluginDir, 'manifest.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const manifestFile = join(root, 'billing-manifest.json');
    writeFileSync(
      manifestFile,
      JSON.stringify({
        ...choices,
        config: { baseUrl: serviceUrl },
        permissions: { http: [serviceUrl] },
      }),
    );

    const unsigned = await runCli(
      ['plugins', 'install', '@acme/plugin-billing', '--enable', '--manifest', manifestFile],
      trusting,
    );
    expect(unsigned.code).toBe(1);
    expect(unsigned.stderr).toContain(
      'TOOLHOST_ERR_SIGNATURE_INVALID: @acme/plugin-billing@0.1.0 is refused: TOOLHOST_REQUIRE_SIGNED_PLUGINS is true and it is not signed',
    );

    const signed = await runCli(
      ['plugins', 'sign', '@acme/plugin-billing@0.1.0', '--key', keyFile],
      {
        ...env,
        TOOLHOST_REGISTRY_TOKEN: registry.token,
      },
    );
    expect(signed.code, signed.stderr).toBe(0);
    const keyId = /with key ([0-9a-f]{16})/.exec(signed.stdout)?.[1];

    const served = host.logLine(
      (line) => line.message === 'plugin enabled' && line['plugin'] === 'billing',
    );
    const installed = await runCli(
      ['plugins', 'install', '@acme/plugin-billing', '--enable', '--manifest', manifestFile],
      trusting,
    );
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stdout).toContain(
      "installed @acme/plugin-billing@0.1.0 as plugin 'billing' (enabled)",
    );
    expect(installed.stdout).toContain(`signed by  ${String(keyId)}`);
    await served;
    const answer = await fetch(`${host.url}/v1/tools/billing.lookup_record/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: { id: 'INV-7' } }),
    });
    expect(await answer.json()).toMatchObject({
      success: true,
      data: { id: 'INV-7', name: 'March invoice', status: 'paid' },
    });
    // Served from its own confined process, the default of a registry install.
    const tools = (await (await fetch(`${host.url}/v1/tools`)).json()) as {
      tools: Array<{ name: string; isolation: string; sandbox: string | null }>;
    };
    expect(tools.tools.find((tool) => tool.name === 'billing.lookup_record')).toMatchObject({
      isolation: 'process',
      sandbox: 'bwrap',
    });

    const list = await runCli(['plugins', 'list'], trusting);
    expect(list.stdout).toMatch(
      /^billing +enabled +@acme\/plugin-billing@0\.1\.0 +sha512-\S+… +verified$/m,
    );
    // Scaffold, npm install, build, test, publish and install: a minute or more on a loaded machine.
  }, 180_000);

  it('keeps the scaffold on the versions the repository builds and tests with', () => {
    const rootPkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    for (const [name, version] of Object.entries(SCAFFOLD_DEV_DEPENDENCIES)) {
      expect(rootPkg.devDependencies[name], name).toBe(version);
    }
  });
});
