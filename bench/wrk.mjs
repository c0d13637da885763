// Drives HTTP load with wrk (Debian's `wrk` package), a C load generator that is not the
// bottleneck here: against bare Koa it reaches several times the host's figures, and its own
// CPU time is measured beside each run. Used by the HTTP benchmarks.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** True when `wrk` is on PATH. */
export function haveWrk() {
  const probe = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  return probe.error === undefined && /wrk/.test(`${probe.stdout}${probe.stderr}`);
}

export const WRK_MISSING =
  'wrk is not installed: `sudo apt-get install wrk` (Debian/Ubuntu) and run the benchmark again';

/**
 * A Lua script for wrk: each wrk thread holds one connection and is one session
 * (`<prefix>-<i>`, i = the thread's index), sending one message after another as a customer
 * does; `kind: 'invoke'` calls `echo.say` instead. The `done` hook prints one
 * `WRK_JSON {...}` line with the figures.
 */
export function writeWrkScript(dir, { kind, prefix, token, texts }) {
  const file = join(dir, `${kind}.lua`);
  const quoted = texts.map((t) => JSON.stringify(JSON.stringify(t))).join(', ');
  writeFileSync(
    file,
    `
local texts = { ${quoted} }
local threads = 0
function setup(thread)
  thread:set("sid", threads)
  threads = threads + 1
end
local n = 0
function request()
  n = n + 1
  local text = texts[((n + sid) % #texts) + 1]
  local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer ${token}" }
  if "${kind}" == "invoke" then
    return wrk.format("POST", "/v1/tools/echo.say/invoke", headers, '{"input":{"text":' .. text .. '}}')
  end
  headers["Idempotency-Key"] = "${prefix}-" .. sid .. "-" .. n
  return wrk.format("POST", "/v1/sessions/${prefix}-" .. sid .. "/messages", headers, '{"text":' .. text .. '}')
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
`,
  );
  return file;
}

/**
 * Runs wrk (`connections` threads of one connection each, `seconds`) against `url` with
 * `script`; resolves to its figures and its own CPU seconds (from bash's `times`, which
 * reports its children's).
 */
export function runWrk(url, script, { connections, seconds }) {
  const command = `wrk -t${connections} -c${connections} -d${seconds}s --timeout 5s -s "$1" "$2"; times`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command, 'wrk', script, url], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('WRK_JSON '));
      if (code !== 0 || !line) return reject(new Error(`wrk failed (${code}): ${out}`));
      const figures = JSON.parse(line.slice('WRK_JSON '.length));
      // `times` prints the shell's own user/sys, then its children's: "0m1.23s 0m0.45s".
      const children = out.trim().split('\n').at(-1) ?? '';
      const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map(
        (m) => Number(m[1]) * 60 + Number(m[2]),
      );
      resolve({ ...figures, cpu_s: seconds.length === 2 ? seconds[0] + seconds[1] : null });
    });
  });
}
