// Message-path benchmarks (DESIGN section 14, P3 and P4, plus audit modes): 50
// concurrent sessions each send a fixed number of messages to a real host process,
// beside a bare Koa endpoint measured in the same run as the ceiling. Writes
// bench/results/messagePath.json. Services that are not reachable are skipped, saying so.
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess } from './processes.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(root, 'host/dist/cli/main.js');
const SESSIONS = Number(process.env['BENCH_SESSIONS'] ?? 50);
const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 20);
const WARMUP = Number(process.env['BENCH_WARMUP_MESSAGES'] ?? 4);
const POSTGRES_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const QUESTIONS = [
  'How long does a refund take?',
  'How do I reset my password?',
  'Where is my package?',
  'Which payment methods do you accept?',
];

if (!existsSync(CLI)) {
  console.error('bench: host/dist is missing; run `npm run build` first.');
  process.exit(1);
}

const run = randomUUID().slice(0, 8);

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

async function startHost(env) {
  const dir = mkdtempSync(join(tmpdir(), 'toolhost-bench-'));
  mkdirSync(join(dir, 'manifests'));
  for (const plugin of ['rag', 'memory', 'escalation']) {
    copyFileSync(
      join(root, 'manifests', `${plugin}.json`),
      join(dir, 'manifests', `${plugin}.json`),
    );
  }
  const host = await startProcess([CLI, 'start'], {
    TOOLHOST_MANIFESTS_DIR: join(dir, 'manifests'),
    TOOLHOST_PLUGINS_DIR: join(root, 'plugins'),
    TOOLHOST_DATA_DIR: join(dir, 'data'),
    TOOLHOST_WATCH_MANIFESTS: 'false',
    LOG_LEVEL: 'info',
    ...env,
  });
  return {
    ...host,
    stop: async () => {
      await host.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: SESSIONS });

function post(url, path, body) {
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
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode));
      },
    );
    request.on('error', () => resolve(0));
    request.end(payload);
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** SESSIONS sessions in parallel, each sending MESSAGES messages one after another. */
async function load(url, label) {
  const latencies = [];
  let errors = 0;
  const session = (i) => `bench-${run}-${label}-${i}`;
  const send = (i, n) =>
    post(url, `/v1/sessions/${session(i)}/messages`, {
      text: QUESTIONS[(i + n) % QUESTIONS.length],
    });
  await Promise.all(
    Array.from({ length: SESSIONS }, async (_, i) => {
      for (let n = 0; n < WARMUP; n += 1) await send(i, n);
    }),
  );
  const started = performance.now();
  await Promise.all(
    Array.from({ length: SESSIONS }, async (_, i) => {
      for (let n = 0; n < MESSAGES; n += 1) {
        const t0 = performance.now();
        const status = await send(i, n);
        latencies.push(performance.now() - t0);
        if (status !== 200) errors += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const round = (v) => Math.round(v * 100) / 100;
  return {
    messages: latencies.length,
    messages_per_s: Math.round(latencies.length / seconds),
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
    errors,
  };
}

async function withPostgresDatabase(fn) {
  const { default: pg } = await import('pg');
  const name = `th_bench_${run}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  try {
    return await fn(url.href);
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

async function cleanRedis() {
  const { Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(
      cursor,
      'MATCH',
      `toolhost:session:ctx:bench-${run}-*`,
      'COUNT',
      500,
    );
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  const members = await redis.zrange('toolhost:session:active', 0, -1);
  const ours = members.filter((m) => m.startsWith(`bench-${run}-`));
  if (ours.length) await redis.zrem('toolhost:session:active', ...ours);
  await redis.quit();
}

const scenarios = {};
const skipped = {};

async function measureHost(label, env) {
  const host = await startHost(env);
  try {
    scenarios[label] = await load(host.url, label);
    console.log(label.padEnd(24), scenarios[label]);
  } finally {
    await host.stop();
  }
}

const koa = await startProcess([join(root, 'bench/bareKoa.mjs')], {});
try {
  scenarios.bare_koa = await load(koa.url, 'koa');
  console.log('bare_koa'.padEnd(24), scenarios.bare_koa);
} finally {
  await koa.stop();
}
await measureHost('embedded_sqlite_sync', {});
await measureHost('embedded_sqlite_async', { AUDIT_WRITE_MODE: 'async' });
if (await reachable(REDIS_URL)) {
  try {
    await measureHost('redis_sessions', { REDIS_URL, USE_SHARED_CONTEXT: 'true' });
  } finally {
    await cleanRedis();
  }
} else {
  skipped.redis_sessions = `Redis unreachable at ${REDIS_URL}`;
}
if (await reachable(POSTGRES_URL)) {
  await withPostgresDatabase((url) => measureHost('postgres_sync', { DATABASE_URL: url }));
  await withPostgresDatabase((url) =>
    measureHost('postgres_async', { DATABASE_URL: url, AUDIT_WRITE_MODE: 'async' }),
  );
} else {
  skipped.postgres = `PostgreSQL unreachable at ${POSTGRES_URL}`;
}
for (const [what, why] of Object.entries(skipped)) console.log(`!!! SKIPPED ${what}: ${why}`);

const embedded = scenarios.embedded_sqlite_sync;
const ceiling = scenarios.bare_koa;
const redis = scenarios.redis_sessions;
const targets = {
  P3: {
    ratio_to_bare_koa: Math.round((embedded.messages_per_s / ceiling.messages_per_s) * 1000) / 1000,
    target_ratio: 0.25,
    p99_ms: embedded.p99_ms,
    target_p99_ms: 20,
    errors: embedded.errors,
    pass:
      embedded.messages_per_s / ceiling.messages_per_s >= 0.25 &&
      embedded.p99_ms <= 20 &&
      embedded.errors === 0,
  },
  ...(redis && {
    P4: {
      ratio_to_embedded: Math.round((redis.messages_per_s / embedded.messages_per_s) * 1000) / 1000,
      target_ratio: 0.5,
      pass: redis.messages_per_s / embedded.messages_per_s >= 0.5,
    },
  }),
};
for (const [name, figures] of Object.entries(targets)) {
  console.log(`${name}: ${JSON.stringify(figures)} ${figures.pass ? 'PASS' : 'FAIL'}`);
}
const report = {
  description: `${SESSIONS} concurrent sessions x ${MESSAGES} messages (after ${WARMUP} warm-up each); 3 tool calls per message`,
  scenarios,
  skipped,
  targets,
};
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/messagePath.json'), `${JSON.stringify(report, null, 2)}\n`);
agent.destroy();
