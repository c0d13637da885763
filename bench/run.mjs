// `npm run bench`: every benchmark in its own process, then one merged report in
// bench/results/latest.json. BENCH_ONLY=callPath|sandboxPath|messagePath|pluginDrop|pluginInstall runs one of them.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

const benches = [
  'callPath',
  'sandboxPath',
  'messagePath',
  'pluginDrop',
  'pluginInstall',
  'mcpPath',
].filter((name) => !process.env['BENCH_ONLY'] || process.env['BENCH_ONLY'] === name);
const report = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  loadavg: loadavg(),
};
let failed = false;
for (const name of benches) {
  console.log(`\n=== bench: ${name} ===`);
  const run = spawnSync(process.execPath, [new URL(`${name}.mjs`, import.meta.url).pathname], {
    stdio: 'inherit',
  });
  const file = new URL(`results/${name}.json`, import.meta.url);
  if (run.status !== 0 || !existsSync(file)) {
    failed = true;
    report[name] = { error: `exited with ${run.status}` };
    continue;
  }
  report[name] = JSON.parse(readFileSync(file, 'utf8'));
}
writeFileSync(
  new URL('results/latest.json', import.meta.url),
  `${JSON.stringify(report, null, 2)}\n`,
);
console.log('\nmerged report written to bench/results/latest.json');
process.exitCode = failed ? 1 : 0;
