// P5 (DESIGN section 14): how long after its manifest appears a plugin dropped into the
// plugins dir of a running host is served. Writes bench/results/pluginDrop.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep, startProcess } from './processes.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const DROPS = Number(process.env['BENCH_DROPS'] ?? 10);
const TARGET_MS = 250;

function dropPlugin(pluginsDir, name) {
  const dir = join(pluginsDir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', type: 'module', toolhost: { sdk: '^1.0.0' } }),
  );
  writeFileSync(
    join(dir, 'index.js'),
    `import { BaseTool, definePlugin, ok } from '@toolhost/plugin-sdk';
class Tool extends BaseTool { async ping() { return ok({ pong: true }); } }
export default definePlugin({ name: ${JSON.stringify(name)}, tools: { ping: { description: 'pong', inputSchema: { type: 'object' } } }, create: (ctx) => new Tool(ctx) });
`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'toolhost-bench-drop-'));
const manifestsDir = join(dir, 'manifests');
const pluginsDir = join(dir, 'plugins');
mkdirSync(manifestsDir, { recursive: true });
mkdirSync(pluginsDir, { recursive: true });
const host = await startProcess([join(root, 'host/dist/cli/main.js'), 'start'], {
  TOOLHOST_MANIFESTS_DIR: manifestsDir,
  TOOLHOST_PLUGINS_DIR: pluginsDir,
  TOOLHOST_DATA_DIR: join(dir, 'data'),
  LOG_LEVEL: 'warn',
});
const { url } = host;

const served = async (tool) => {
  const response = await fetch(`${url}/v1/tools/${tool}/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"input":{}}',
  });
  return response.status === 200;
};

const samples = [];
for (let i = 0; i < DROPS; i += 1) {
  const name = `dropped${i}`;
  dropPlugin(pluginsDir, name);
  const started = performance.now();
  writeFileSync(
    join(manifestsDir, `${name}.json`),
    JSON.stringify({ name, enabled: true, source: { path: name } }),
  );
  while (!(await served(`${name}.ping`))) {
    if (performance.now() - started > 10_000) throw new Error(`${name} was not served within 10 s`);
    await sleep(2);
  }
  samples.push(performance.now() - started);
}
await host.stop();
rmSync(dir, { recursive: true, force: true });

samples.sort((a, b) => a - b);
const round = (v) => Math.round(v * 10) / 10;
const report = {
  description: `a plugin folder dropped into the plugins dir, then its manifest written: time until its tool answers (${DROPS} drops)`,
  median_ms: round(samples[Math.floor(samples.length / 2)]),
  max_ms: round(samples.at(-1)),
  samples_ms: samples.map(round),
  targets: { P5: { target_ms: TARGET_MS, pass: samples.at(-1) <= TARGET_MS } },
};
console.log(
  `P5: median ${report.median_ms} ms, max ${report.max_ms} ms (target <= ${TARGET_MS} ms) ${report.targets.P5.pass ? 'PASS' : 'FAIL'}`,
);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/pluginDrop.json'), `${JSON.stringify(report, null, 2)}\n`);
