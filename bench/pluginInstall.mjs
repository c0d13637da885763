// P5b (DESIGN section 14): from `toolhost plugins install <pkg> --enable` to the tool answering
// in a running host, for a small plugin from a local verdaccio (in this process). The same
// through the admin API (POST /v1/admin/plugins/install) as a peer. Writes
// bench/results/pluginInstall.json. The plugins get the default isolation of a registry install
// (`process`), and the bench checks that this is what served them.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startRegistry } from '../registry/dist/index.js';
import { sleep, startProcess } from './processes.mjs';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(root, 'host/dist/cli/main.js');
const INSTALLS = Number(process.env['BENCH_INSTALLS'] ?? 5);
const TARGET_MS = 3_000;
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const CLIENT = { name: 'bench', key: 'bench-client-key-0123456789', scopes: ['tools'] };

const dir = mkdtempSync(join(tmpdir(), 'toolhost-bench-install-'));
const registry = await startRegistry({
  dir: join(dir, 'registry'),
  logLevel: 'fatal',
  logFormat: 'json',
});
const user = await fetch(new URL('-/user/org.couchdb.user:bench', registry.url), {
  method: 'PUT',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ name: 'bench', password: 'bench-password-1' }),
});
const { token } = await user.json();
const npmrc = join(dir, 'npmrc');
writeFileSync(
  npmrc,
  `registry=${registry.url}\n${registry.url.replace(/^https?:/, '')}:_authToken=${token}\n`,
);
const npmEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)),
);

/** Publishes a small plugin with the real npm (not timed). */
async function publish(name) {
  const pkgDir = join(dir, 'packages', name);
  mkdirSync(pkgDir, { recursive: true });
  writeFileSync(
    join(pkgDir, 'package.json'),
    JSON.stringify({
      name: `@bench/plugin-${name}`,
      version: '1.0.0',
      type: 'module',
      main: 'index.js',
      toolhost: { sdk: '^1.0.0' },
      peerDependencies: { '@toolhost/plugin-sdk': '^1.0.0' },
    }),
  );
  writeFileSync(
    join(pkgDir, 'index.js'),
    `import { BaseTool, definePlugin, ok } from '@toolhost/plugin-sdk';
class Tool extends BaseTool { async ping() { return ok({ pong: true }); } }
export default definePlugin({ name: ${JSON.stringify(name)}, tools: { ping: { description: 'pong', inputSchema: { type: 'object' } } }, create: (ctx) => new Tool(ctx) });
`,
  );
  await run(
    'npm',
    [
      'publish',
      '--userconfig',
      npmrc,
      '--registry',
      registry.url,
      '--cache',
      join(dir, 'npm-cache'),
    ],
    { cwd: pkgDir, env: npmEnv },
  );
}

const hostDirs = {
  TOOLHOST_MANIFESTS_DIR: join(dir, 'manifests'),
  TOOLHOST_PLUGINS_DIR: join(dir, 'plugins'),
  TOOLHOST_DATA_DIR: join(dir, 'data'),
  TOOLHOST_REGISTRY_URL: registry.url,
};
const host = await startProcess([CLI, 'start'], {
  ...hostDirs,
  TOOLHOST_ADMIN_TOKEN: ADMIN_TOKEN,
  TOOLHOST_API_KEYS: JSON.stringify([CLIENT]),
  LOG_LEVEL: 'warn',
});

async function servedAfter(started, tool) {
  for (;;) {
    const response = await fetch(`${host.url}/v1/tools/${tool}/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT.key}` },
      body: '{"input":{}}',
    });
    if (response.status === 200 && (await response.json()).success)
      return performance.now() - started;
    if (performance.now() - started > 30_000) throw new Error(`${tool} was not served within 30 s`);
    await sleep(2);
  }
}

const cli = [];
const cliProcess = [];
const api = [];
for (let i = 0; i < INSTALLS; i += 1) {
  const viaCli = `cli${i}`;
  const viaApi = `api${i}`;
  await publish(viaCli);
  await publish(viaApi);

  let started = performance.now();
  await run(process.execPath, [CLI, 'plugins', 'install', `@bench/plugin-${viaCli}`, '--enable'], {
    env: { ...process.env, ...hostDirs },
  });
  cliProcess.push(performance.now() - started);
  cli.push(await servedAfter(started, `${viaCli}.ping`));

  started = performance.now();
  const response = await fetch(`${host.url}/v1/admin/plugins/install`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ spec: `@bench/plugin-${viaApi}`, enable: true }),
  });
  if (response.status !== 201)
    throw new Error(`admin install answered ${response.status}: ${await response.text()}`);
  api.push(await servedAfter(started, `${viaApi}.ping`));
}
const listed = await fetch(`${host.url}/v1/tools`, {
  headers: { authorization: `Bearer ${CLIENT.key}` },
});
const runtimes = new Set(
  (await listed.json()).tools
    .filter((tool) => tool.name.endsWith('.ping'))
    .map((tool) => `${tool.isolation}/${tool.sandbox}`),
);
if (runtimes.size !== 1) throw new Error(`the installs ran in ${[...runtimes].join(', ')}`);
const [runtime] = runtimes;
await host.stop();
await registry.close();
rmSync(dir, { recursive: true, force: true });

const round = (v) => Math.round(v);
const summary = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    min_ms: round(sorted[0]),
    median_ms: round(sorted[Math.floor(sorted.length / 2)]),
    max_ms: round(sorted.at(-1)),
    samples_ms: samples.map(round),
  };
};
const report = {
  description: `a small plugin published to a local verdaccio; time from \`toolhost plugins install --enable\` (a new process) to its tool answering in a running host, and the same through POST /v1/admin/plugins/install (${INSTALLS} installs each, interleaved), with the default isolation of a registry install`,
  runtime,
  cli: { ...summary(cli), cli_process: summary(cliProcess) },
  admin_api: summary(api),
  targets: {
    P5b: { target_ms: TARGET_MS, measured: 'cli max', pass: Math.max(...cli) <= TARGET_MS },
  },
};
console.log(
  `P5b (${runtime}): plugins install -> served: median ${report.cli.median_ms} ms, max ${report.cli.max_ms} ms (target <= ${TARGET_MS} ms) ${report.targets.P5b.pass ? 'PASS' : 'FAIL'}; admin API median ${report.admin_api.median_ms} ms, max ${report.admin_api.max_ms} ms`,
);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(
  join(root, 'bench/results/pluginInstall.json'),
  `${JSON.stringify(report, null, 2)}\n`,
);
