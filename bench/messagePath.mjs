// Message-path benchmarks (DESIGN section 14, P3 and P4, the audit modes and a plain tool
// invoke): wrk at 50 connections against real host processes, as shipped (API keys checked,
// sessions owned by their key, an Idempotency-Key on every message), beside bare Koa as the
// ceiling. Every scenario runs BENCH_SECONDS (default 10) per repetition, 3 repetitions
// interleaved, each on a fresh process whose stdout (its log) goes to a file. Each session
// gets past the memory plugin's 50-note cap before measuring, so the delete path runs.
// Writes bench/results/messagePath.json. Without wrk, or without a service, says so and skips.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import { connect } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSecondsOf, startProcess } from './processes.mjs';
import { haveWrk, runWrk, WRK_MISSING, writeWrkScript } from './wrk.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(root, 'host/dist/cli/main.js');
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 50);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const REPETITIONS = Number(process.env['BENCH_REPETITIONS'] ?? 3);
/** Past the memory plugin's default cap of 50 notes, so `remember` deletes the oldest. */
const PREFILL = Number(process.env['BENCH_PREFILL_MESSAGES'] ?? 52);
const ONLY = process.env['BENCH_SCENARIOS']?.split(',');
const POSTGRES_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const TEXTS = [
  'How long does a refund take?',
  'How do I reset my password?',
  'Where is my package?',
  'Which payment methods do you accept?',
];

if (!existsSync(CLI)) {
  console.error('bench: host/dist is missing; run `npm run build` first.');
  process.exit(1);
}
const outFile = join(root, 'bench/results/messagePath.json');
mkdirSync(join(root, 'bench/results'), { recursive: true });
if (!haveWrk()) {
  console.log(`!!! SKIPPED every HTTP scenario: ${WRK_MISSING}`);
  writeFileSync(outFile, `${JSON.stringify({ skipped: { all: WRK_MISSING } }, null, 2)}\n`);
  process.exit(0);
}

const run = randomUUID().slice(0, 8);
const keyName = `bench-${run}`;
const token = randomBytes(24).toString('base64url');
const work = mkdtempSync(join(tmpdir(), 'toolhost-bench-'));
const logDir = join(work, 'logs');
mkdirSync(logDir);

function reachable(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port), timeout: 1000 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

async function withPostgresDatabase(fn) {
  const { default: pg } = await import('pg');
  const name = `th_bench_${run}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  try {
    return await fn({ DATABASE_URL: url.href });
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

async function cleanRedis() {
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL);
  for (const pattern of [`toolhost:session:ctx:${run}-*`, `toolhost:session:idem:${keyName}:*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  }
  const members = await redis.zrange('toolhost:session:active', 0, -1);
  const ours = members.filter((m) => m.startsWith(`${run}-`));
  if (ours.length) await redis.zrem('toolhost:session:active', ...ours);
  await redis.quit();
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
function post(url, path, body, headers = {}) {
  return new Promise((resolve) => {
    const payload = JSON.stringify(body);
    const request = http.request(
      `${url}${path}`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          authorization: `Bearer ${token}`,
          ...headers,
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode, text }));
      },
    );
    request.on('error', (error) => resolve({ status: 0, text: error.message }));
    request.end(payload);
  });
}

/** Every session sends PREFILL messages (one at a time per session); resolves to the failures. */
async function prefill(url, prefix) {
  let failures = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, i) => {
      for (let n = 0; n < PREFILL; n += 1) {
        const { status } = await post(url, `/v1/sessions/${prefix}-${i}/messages`, {
          text: TEXTS[(i + n) % TEXTS.length],
        });
        if (status !== 200) failures += 1;
      }
    }),
  );
  return failures;
}

/** The memory plugin is at its cap for the prefilled sessions: `remember` answers count 50. */
async function notesAtCap(url, prefix) {
  const { text } = await post(
    url,
    '/v1/tools/memory.remember/invoke',
    { input: { note: 'cap check' } },
    { 'x-session-id': `${prefix}-0` },
  );
  try {
    return JSON.parse(text).data?.count ?? null;
  } catch {
    return null;
  }
}

function hostManifests(dir, plugins) {
  mkdirSync(join(dir, 'manifests'));
  for (const plugin of plugins) {
    copyFileSync(
      join(root, 'manifests', `${plugin}.json`),
      join(dir, 'manifests', `${plugin}.json`),
    );
  }
}

const keys = JSON.stringify([{ name: keyName, key: token, scopes: ['messages', 'tools'] }]);
const hostEnv = (dir) => ({
  TOOLHOST_MANIFESTS_DIR: join(dir, 'manifests'),
  TOOLHOST_PLUGINS_DIR: join(root, 'plugins'),
  TOOLHOST_DATA_DIR: join(dir, 'data'),
  TOOLHOST_WATCH_MANIFESTS: 'false',
  TOOLHOST_API_KEYS: keys,
  LOG_LEVEL: 'info',
});

/** Scenario name → how to run it: its server, its load, and the services it needs. */
const scenarios = {
  bare_koa: { kind: 'messages', server: 'koa' },
  sqlite_sync: { kind: 'messages', env: {} },
  sqlite_async: { kind: 'messages', env: { AUDIT_WRITE_MODE: 'async' } },
  redis_sessions: {
    kind: 'messages',
    env: { REDIS_URL, USE_SHARED_CONTEXT: 'true' },
    needs: 'redis',
  },
  postgres_sync: { kind: 'messages', env: {}, needs: 'postgres' },
  postgres_async: { kind: 'messages', env: { AUDIT_WRITE_MODE: 'async' }, needs: 'postgres' },
  echo_invoke: { kind: 'invoke', env: {}, plugins: ['echo'] },
};
const skipped = {};
const services = {
  redis: (await reachable(REDIS_URL)) ? null : `Redis unreachable at ${REDIS_URL}`,
  postgres: (await reachable(POSTGRES_URL)) ? null : `PostgreSQL unreachable at ${POSTGRES_URL}`,
};
for (const [name, scenario] of Object.entries(scenarios)) {
  if (ONLY && !ONLY.includes(name)) delete scenarios[name];
  else if (scenario.needs && services[scenario.needs]) {
    skipped[name] = services[scenario.needs];
    delete scenarios[name];
  }
}

async function measureOnce(name, scenario, rep) {
  const dir = mkdtempSync(join(work, `${name}-`));
  const prefix = `${run}-${name}-${rep}`;
  const stdout = join(logDir, `${name}-${rep}.log`);
  const start = async (extraEnv = {}) =>
    scenario.server === 'koa'
      ? startProcess([join(root, 'bench/bareKoa.mjs')], {}, { stdout })
      : (hostManifests(dir, ['rag', 'memory', 'escalation', ...(scenario.plugins ?? [])]),
        startProcess(
          [CLI, 'start'],
          { ...hostEnv(dir), ...scenario.env, ...extraEnv },
          { stdout },
        ));
  const body = async (extraEnv) => {
    const server = await start(extraEnv);
    try {
      const failures = scenario.kind === 'messages' ? await prefill(server.url, prefix) : 0;
      const cap =
        scenario.server === 'koa' || scenario.kind !== 'messages'
          ? null
          : await notesAtCap(server.url, prefix);
      const script = writeWrkScript(dir, {
        kind: scenario.kind,
        prefix,
        token,
        texts: TEXTS,
      });
      const cpuBefore = cpuSecondsOf(server.pid);
      const wrk = await runWrk(server.url, script, { connections: CONNECTIONS, seconds: SECONDS });
      const cpuAfter = cpuSecondsOf(server.pid);
      const seconds = wrk.duration_us / 1e6;
      const errors = wrk.connect + wrk.read + wrk.write + wrk.status + wrk.timeout;
      return {
        req_per_s: Math.round(wrk.requests / seconds),
        p50_ms: wrk.p50_us / 1000,
        p99_ms: wrk.p99_us / 1000,
        max_ms: wrk.max_us / 1000,
        requests: wrk.requests,
        errors,
        non_2xx: wrk.status,
        prefill_failures: failures,
        ...(cap !== null && { notes_at_cap: cap }),
        server_cpu_us_per_req:
          cpuBefore === null ? null : Math.round(((cpuAfter - cpuBefore) / wrk.requests) * 1e6),
        wrk_cpu_pct: wrk.cpu_s === null ? null : Math.round((wrk.cpu_s / seconds) * 100),
        log_bytes: statSync(stdout).size,
      };
    } finally {
      await server.stop();
    }
  };
  try {
    if (scenario.needs === 'postgres') return await withPostgresDatabase(body);
    return await body({});
  } finally {
    if (scenario.needs === 'redis') await cleanRedis();
    rmSync(dir, { recursive: true, force: true });
  }
}

const reps = Object.fromEntries(Object.keys(scenarios).map((name) => [name, []]));
const names = Object.keys(scenarios);
for (let rep = 0; rep < REPETITIONS; rep += 1) {
  // Interleaved: every scenario once per repetition, starting one further along each time.
  for (let i = 0; i < names.length; i += 1) {
    const name = names[(i + rep) % names.length];
    const figures = await measureOnce(name, scenarios[name], rep);
    reps[name].push(figures);
    console.log(`rep ${rep + 1} ${name.padEnd(16)} ${JSON.stringify(figures)}`);
  }
}
for (const [what, why] of Object.entries(skipped)) console.log(`!!! SKIPPED ${what}: ${why}`);

const sorted = (values) => [...values].sort((a, b) => a - b);
const spread = (values) => {
  const s = sorted(values);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s.at(-1) };
};
const round3 = (x) => Math.round(x * 1000) / 1000;
const summary = Object.fromEntries(
  Object.entries(reps).map(([name, list]) => [
    name,
    {
      req_per_s: spread(list.map((r) => r.req_per_s)),
      p50_ms: spread(list.map((r) => r.p50_ms)),
      p99_ms: spread(list.map((r) => r.p99_ms)),
      errors: list.reduce((sum, r) => sum + r.errors + r.prefill_failures, 0),
      server_cpu_us_per_req: spread(list.map((r) => r.server_cpu_us_per_req ?? NaN)),
      wrk_cpu_pct: spread(list.map((r) => r.wrk_cpu_pct ?? NaN)),
      repetitions: list,
    },
  ]),
);
/** min/median/max over the repetitions of a/b, each pair measured in the same repetition. */
const ratio = (a, b) =>
  reps[a] && reps[b] && reps[a].length && reps[b].length
    ? spread(reps[a].map((r, i) => round3(r.req_per_s / reps[b][i].req_per_s)))
    : null;

const targets = {};
const p3 = ratio('sqlite_sync', 'bare_koa');
if (p3) {
  const s = summary.sqlite_sync;
  targets.P3 = {
    description: 'messages on SQLite, sync audit, vs bare Koa (req/s at 50 connections)',
    ratio: p3,
    target: '>= 0.25, p99 <= 20 ms, 0 errors',
    p99_ms: s.p99_ms,
    errors: s.errors,
    met: p3.median >= 0.25 && s.p99_ms.median <= 20 && s.errors === 0,
  };
}
const p3pg = ratio('postgres_sync', 'sqlite_sync');
if (p3pg) {
  targets.P3_postgres = {
    description: 'messages on PostgreSQL, sync audit, vs the same on SQLite',
    ratio: p3pg,
    target: '>= 0.5',
    errors: summary.postgres_sync.errors,
    met: p3pg.median >= 0.5 && summary.postgres_sync.errors === 0,
  };
}
const memoryVsRedis = ratio('sqlite_sync', 'redis_sessions');
const redisVsMemory = ratio('redis_sessions', 'sqlite_sync');
if (memoryVsRedis && redisVsMemory) {
  targets.P4 = {
    description: 'in-memory sessions vs Redis sessions (both SQLite sync audit)',
    in_memory_over_redis: memoryVsRedis,
    redis_over_in_memory: redisVsMemory,
    target: 'in-memory >= Redis (>= 1) and Redis >= 0.9x in-memory',
    met: memoryVsRedis.median >= 1 && redisVsMemory.median >= 0.9,
  };
}
const echo = ratio('echo_invoke', 'bare_koa');
if (echo) targets.echo_invoke = { description: 'echo.say invoke vs bare Koa', ratio: echo };
const generator = ratio('bare_koa', 'sqlite_sync');
if (generator) {
  targets.generator = {
    description:
      'wrk is not the bottleneck: bare Koa through the same wrk reaches this many times the host figure, with wrk at the CPU share shown',
    bare_koa_over_host: generator,
    wrk_cpu_pct_at_bare_koa: summary.bare_koa.wrk_cpu_pct,
  };
}
for (const [name, figures] of Object.entries(targets)) {
  console.log(
    `${name}: ${JSON.stringify(figures)}${'met' in figures ? (figures.met ? ' MET' : ' NOT MET') : ''}`,
  );
}
const report = {
  when: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
  description: `wrk -t${CONNECTIONS} -c${CONNECTIONS} (one connection per thread, each one session sending one message after another), ${SECONDS} s per scenario, ${REPETITIONS} interleaved repetitions, each on a fresh server process logging to a file; ${CONNECTIONS} sessions, each prefilled with ${PREFILL} messages (past the 50-note cap); every message with an API key and an Idempotency-Key; 3 tool calls per message before issue 13 (memory.recall, rag.search, memory.remember), 2 after it (recall is planned only when its notes are read)`,
  scenarios: summary,
  skipped,
  targets,
};
writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
agent.destroy();
rmSync(work, { recursive: true, force: true });
