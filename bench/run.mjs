// `npm run bench`: every benchmark in its own process, one after another (never two at
// once: they measure), then one merged report in bench/results/latest.json. Each script
// writes bench/results/<name>.json. BENCH_ONLY=<name>[,<name>…] runs some of them.
// To add a benchmark: write bench/<name>.mjs and add its name to this list.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

const BENCHES = [
  'callPath', // P1
  'sandboxPath', // P2
  'messagePath', // P3, P4 (wrk)
  'sessionMemory', // memory: 100k in-memory sessions
  'pluginDrop', // P5
  'pluginInstall', // P5b
  'searchPath', // P6
  'mcpPath', // P7
];

const only = process.env['BENCH_ONLY']?.split(',');
const benches = BENCHES.filter((name) => !only || only.includes(name));
const latest = new URL('results/latest.json', import.meta.url);
// A partial run (BENCH_ONLY) updates its own entries and keeps the others' last figures.
const previous = only && existsSync(latest) ? JSON.parse(readFileSync(latest, 'utf8')) : {};
const report = {
  ...previous,
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  loadavg: loadavg(),
};
let failed = false;
for (const name of benches) {
  console.log(`\n=== bench: ${name} ===`);
  const file = new URL(`results/${name}.json`, import.meta.url);
  // A stale result must not stand in for a run that failed.
  rmSync(file, { force: true });
  const run = spawnSync(process.execPath, [new URL(`${name}.mjs`, import.meta.url).pathname], {
    stdio: 'inherit',
  });
  if (run.status !== 0 || !existsSync(file)) {
    failed = true;
    report[name] = { error: `exited with ${run.status}` };
    continue;
  }
  report[name] = JSON.parse(readFileSync(file, 'utf8'));
}
writeFileSync(latest, `${JSON.stringify(report, null, 2)}\n`);
console.log('\nmerged report written to bench/results/latest.json');
process.exitCode = failed ? 1 : 0;
