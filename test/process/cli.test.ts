import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, runCli, startHostProcess, type HostProcess } from '../support/hostProcess.js';
import { writePlugin } from '../support/writePlugin.js';

// These tests run the compiled CLI (`npm test` builds first), as a user would.
const repoPlugins = new URL('../../plugins/', import.meta.url);

let root: string;
let env: Record<string, string>;
let running: HostProcess | null = null;

beforeEach(() => {
  expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
  // Outside the repository, so the plugin finds no node_modules of its own.
  root = mkdtempSync(join(tmpdir(), 'toolhost-cli-'));
  mkdirSync(join(root, 'manifests'));
  cpSync(new URL('echo/', repoPlugins), join(root, 'plugins', 'echo'), { recursive: true });
  writeFileSync(
    join(root, 'manifests', 'echo.json'),
    JSON.stringify({
      name: 'echo',
      enabled: true,
      source: { path: 'echo' },
      permissions: { cache: true },
    }),
  );
  env = {
    TOOLHOST_MANIFESTS_DIR: join(root, 'manifests'),
    TOOLHOST_PLUGINS_DIR: join(root, 'plugins'),
    TOOLHOST_DATA_DIR: join(root, 'data'),
    LOG_LEVEL: 'info',
  };
});

afterEach(async () => {
  await running?.stop('SIGKILL');
  running = null;
  rmSync(root, { recursive: true, force: true });
});

describe('toolhost start', () => {
  it('serves a plugin folder without node_modules on the host copy of the SDK, and stops cleanly on SIGTERM', async () => {
    running = await startHostProcess(env);
    const tools = (await (await fetch(`${running.url}/v1/tools`)).json()) as {
      tools: Array<{ name: string }>;
    };
    expect(tools.tools.map((t) => t.name)).toEqual(['echo.count', 'echo.say']);

    const invoke = await fetch(`${running.url}/v1/tools/echo.say/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'cli-test-1' },
      body: JSON.stringify({ input: { text: 'hello' } }),
    });
    expect(invoke.headers.get('x-request-id')).toBe('cli-test-1');
    expect(await invoke.json()).toMatchObject({
      success: true,
      data: { text: 'hello', length: 5 },
    });

    const host = running;
    running = null;
    expect(await host.stop('SIGTERM')).toBe(0);
    expect(host.output()).toContain('"toolhost stopped"');
    expect(existsSync(join(root, 'data', 'toolhost.sqlite'))).toBe(true);
  });

  it('refuses a bad environment variable, naming it, and exits 1', async () => {
    const result = await runCli(['start'], { ...env, PORT: 'eighty' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'TOOLHOST_ERR_SETTINGS_INVALID: Environment variable PORT is invalid',
    );
  });

  it('refuses a plugin that imports the host-only SDK subpath, which plain Node would load', async () => {
    // The plugin brings its own copy of the SDK, so nothing but the host's rule stops it.
    const dir = join(root, 'plugins', 'prying');
    mkdirSync(join(dir, 'node_modules', '@toolhost'), { recursive: true });
    const sdk = fileURLToPath(new URL('../../plugin-sdk', import.meta.url));
    symlinkSync(sdk, join(dir, 'node_modules', '@toolhost', 'plugin-sdk'), 'dir');
    writePlugin(dir, 'prying', [
      "import { BaseTool, definePlugin, ok } from '@toolhost/plugin-sdk';",
      "import { createFetchHttp } from '@toolhost/plugin-sdk/host';",
      'class Prying extends BaseTool { async peek() { return ok({ fetch: typeof createFetchHttp }); } }',
      "export default definePlugin({ name: 'prying', tools: { peek: { description: 'peeks', inputSchema: { type: 'object' } } }, create: (ctx) => new Prying(ctx) });",
    ]);
    writeFileSync(
      join(root, 'manifests', 'prying.json'),
      JSON.stringify({ name: 'prying', enabled: true, source: { path: 'prying' } }),
    );
    const entry = pathToFileURL(join(dir, 'index.js')).href;
    const plain = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `console.log((await import('${entry}')).default.name)`],
      { encoding: 'utf8' },
    );
    expect(plain.stdout).toBe('prying\n');

    running = await startHostProcess(env);
    const ready = (await (await fetch(`${running.url}/readyz`)).json()) as {
      plugins: Array<{ name: string; state: string; error: string | null }>;
    };
    const prying = ready.plugins.find((p) => p.name === 'prying');
    expect(prying?.state).toBe('failed');
    expect(prying?.error).toContain("'@toolhost/plugin-sdk/host' is for the host only");
    const tools = (await (await fetch(`${running.url}/v1/tools`)).json()) as {
      tools: Array<{ name: string }>;
    };
    expect(tools.tools.map((t) => t.name)).toEqual(['echo.count', 'echo.say']);
  });

  it('stops with a coded error, and no stack trace, when REDIS_URL cannot be reached', async () => {
    // The process must also exit: a client left reconnecting would keep it alive.
    const result = await runCli(['start'], {
      ...env,
      REDIS_URL: 'redis://127.0.0.1:1',
      TOOLHOST_STARTUP_TIMEOUT_MS: '0',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^toolhost: TOOLHOST_ERR_REDIS_UNAVAILABLE: Redis is unavailable: redis:\/\/127\.0\.0\.1:1 cannot be reached/m,
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('toolhost migrate', () => {
  it('lists pending migrations, applies them, and reverts the last one', async () => {
    const pending = await runCli(['migrate', '--status'], env);
    expect(pending.code).toBe(0);
    expect(pending.stdout).toMatch(/^pending {3}Migration\d+_plugin_document$/m);

    const applied = await runCli(['migrate'], env);
    expect(applied.stdout).toMatch(/^applied {3}Migration\d+_plugin_document/m);
    expect((await runCli(['migrate'], env)).stdout).toContain('database is up to date');
    expect((await runCli(['migrate', '--status'], env)).stdout).toMatch(
      /^executed {2}Migration\d+_plugin_document$/m,
    );

    const reverted = await runCli(['migrate', '--down'], env);
    expect(reverted.stdout).toMatch(/^reverted {2}Migration\d+_plugin_search/m);
  });
});

describe('toolhost plugins', () => {
  it('lists manifests and enables/disables them by editing the file', async () => {
    writeFileSync(join(root, 'manifests', 'broken.json'), '{');
    const list = await runCli(['plugins', 'list'], env);
    expect(list.stdout).toMatch(/^echo +enabled +echo$/m);
    expect(list.stdout).toMatch(
      /^broken +invalid +Manifest .*broken\.json is invalid: not valid JSON/m,
    );

    expect((await runCli(['plugins', 'disable', 'echo'], env)).code).toBe(0);
    expect(JSON.parse(readFileSync(join(root, 'manifests', 'echo.json'), 'utf8'))).toMatchObject({
      enabled: false,
    });
    expect((await runCli(['plugins', 'enable', 'ghost'], env)).code).toBe(1);
  });

  it('a running host follows a CLI disable without restart', async () => {
    running = await startHostProcess(env);
    const host = running;
    const disabled = host.logLine(
      (line) => line.message === 'plugin disabled' && line['plugin'] === 'echo',
    );
    await runCli(['plugins', 'disable', 'echo'], env);
    await disabled;
    const body = (await (await fetch(`${host.url}/v1/tools`)).json()) as {
      tools: Array<{ name: string }>;
    };
    expect(body.tools.map((t) => t.name)).toEqual([]);
  });
});
