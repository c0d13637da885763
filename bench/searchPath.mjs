// P6 (DESIGN section 14): rag.search and the message path with the sample knowledge base and
// with 50,000 generated articles (bench/generateCorpus.mjs), on SQLite and, when reachable,
// PostgreSQL. Two host processes run side by side (sample set, 50k) and are measured in 3
// interleaved repetitions: rag.search latency from one sequential client, messages/s from wrk
// at 50 connections (a Node client when wrk is missing: `apt-get install wrk`), RSS from
// /proc. Writes bench/results/searchPath.json.
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { documentFrequency, generateArticles } from './generateCorpus.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(root, 'host/dist/cli/main.js');
const ARTICLES = Number(process.env['BENCH_ARTICLES'] ?? 50_000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const REPETITIONS = 3;
const SEARCHES = 300;
const CONNECTIONS = 50;
const POSTGRES_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const QUESTIONS = [
  'How long does a refund take?',
  'How do I reset my password?',
  'Where is my package?',
  'Which payment methods do you accept?',
  'My invoice shows the wrong tax',
  'Can I change the delivery address of my order?',
  'The tracking link does not work',
  'How do I cancel my subscription plan?',
];

if (!existsSync(CLI)) {
  console.error('bench: host/dist is missing; run `npm run build` first.');
  process.exit(1);
}
const run = randomUUID().slice(0, 8);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (v) => Math.round(v * 100) / 100;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const spread = (values) => ({
  min: round(Math.min(...values)),
  median: round(median(values)),
  max: round(Math.max(...values)),
});
const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function reachable(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port), timeout: 1000 });
    const done = (ok) => (socket.destroy(), resolve(ok));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A host process on its own dirs, its log on a real file, with its pid for RSS. */
async function startHost(label, env = {}) {
  const dir = mkdtempSync(join(tmpdir(), `toolhost-bench-search-${label}-`));
  mkdirSync(join(dir, 'manifests'));
  for (const plugin of ['rag', 'memory', 'escalation']) {
    copyFileSync(
      join(root, 'manifests', `${plugin}.json`),
      join(dir, 'manifests', `${plugin}.json`),
    );
  }
  const port = await freePort();
  const log = join(dir, 'host.log');
  const { openSync } = await import('node:fs');
  const out = openSync(log, 'a');
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'start'], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      TOOLHOST_MANIFESTS_DIR: join(dir, 'manifests'),
      TOOLHOST_PLUGINS_DIR: join(root, 'plugins'),
      TOOLHOST_DATA_DIR: join(dir, 'data'),
      TOOLHOST_WATCH_MANIFESTS: 'false',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', out, out],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    if (child.exitCode !== null)
      throw new Error(`${label} host exited with ${child.exitCode}; see ${log}`);
    if (i > 1200) throw new Error(`${label} host did not come up; see ${log}`);
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    await sleep(50);
  }
  return {
    url,
    dir,
    startMs: Math.round(performance.now() - started),
    rssMb: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024);
    },
    log: () => readFileSync(log, 'utf8'),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

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
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    request.on('error', (error) => resolve({ status: 0, body: String(error) }));
    request.end(payload);
  });
}

const invoke = (url, tool, input) => post(url, `/v1/tools/${tool}/invoke`, { input });

/** The articles through rag.add_documents, 50 a call, 2 calls at a time (within its 2 s timeout on PostgreSQL). */
async function load(url, articles) {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 2 }, async () => {
      while (next < articles.length) {
        const documents = articles.slice(next, (next += 50));
        const { status, body } = await invoke(url, 'rag.add_documents', { documents });
        const result = status === 200 ? JSON.parse(body) : null;
        if (!result?.success)
          throw new Error(`add_documents failed: ${status} ${body.slice(0, 300)}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    articles: articles.length,
    seconds: round(seconds),
    articles_per_s: Math.round(articles.length / seconds),
  };
}

/** rag.search latency from one sequential client (the whole HTTP invoke). */
async function searchLatency(url, queries) {
  for (let i = 0; i < 30; i += 1)
    await invoke(url, 'rag.search', { query: queries[i % queries.length] });
  const latencies = [];
  let errors = 0;
  let hits = 0;
  for (let i = 0; i < SEARCHES; i += 1) {
    const t0 = performance.now();
    const { status, body } = await invoke(url, 'rag.search', {
      query: queries[i % queries.length],
    });
    latencies.push(performance.now() - t0);
    const result = status === 200 ? JSON.parse(body) : null;
    if (!result?.success) errors += 1;
    else hits += result.data.results.length;
  }
  latencies.sort((a, b) => a - b);
  return {
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
    errors,
    hits_per_search: round(hits / SEARCHES),
  };
}

const WRK = (() => {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    return error.status === 1; // wrk --version exits 1 after printing it
  }
})();

function wrkScript(dir) {
  const file = join(dir, 'messages.lua');
  const questions = QUESTIONS.map((q) => JSON.stringify(JSON.stringify({ text: q }))).join(', ');
  writeFileSync(
    file,
    `local questions = { ${questions} }
local n = 0
local id = 0
setup = function(thread) id = id + 1; thread:set("tid", id) end
init = function() n = 0 end
request = function()
  n = n + 1
  return wrk.format("POST", "/v1/sessions/bench-${run}-" .. tid .. "-" .. n .. "/messages",
    { ["content-type"] = "application/json" }, questions[(n % #questions) + 1])
end
`,
  );
  return file;
}

function parseWrk(text) {
  const requests = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1] ?? 0);
  const unit = (value, u) => Number(value) * (u === 's' ? 1000 : u === 'us' ? 0.001 : 1);
  const latency = (p) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(text);
    return m ? round(unit(m[1], m[2])) : null;
  };
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const socketErrors = socket ? socket.slice(1).reduce((s, v) => s + Number(v), 0) : 0;
  return {
    messages_per_s: Math.round(requests),
    p50_ms: latency(50),
    p99_ms: latency(99),
    errors: non2xx + socketErrors,
  };
}

/** Messages for SECONDS at 50 connections; each request a fresh session. */
async function messages(url, dir) {
  if (WRK) {
    const out = execFileSync(
      'wrk',
      ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', '-s', wrkScript(dir), url],
      {
        encoding: 'utf8',
      },
    );
    return { generator: 'wrk', ...parseWrk(out) };
  }
  const latencies = [];
  let errors = 0;
  const until = performance.now() + SECONDS * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, c) => {
      while (performance.now() < until) {
        n += 1;
        const t0 = performance.now();
        const { status } = await post(url, `/v1/sessions/bench-${run}-${c}-${n}/messages`, {
          text: QUESTIONS[n % QUESTIONS.length],
        });
        latencies.push(performance.now() - t0);
        if (status !== 200) errors += 1;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    generator: 'node http client (install wrk for a ceiling that is not the client)',
    messages_per_s: Math.round(latencies.length / SECONDS),
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
    errors,
  };
}

let databaseCount = 0;
async function withPostgresDatabase(fn) {
  const { default: pg } = await import('pg');
  const name = `th_bench_search_${run}_${(databaseCount += 1)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  try {
    await admin.query(`create database ${name}`);
    return await fn(url.href);
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

console.log(`generating ${ARTICLES} articles…`);
const articles = generateArticles(ARTICLES);
const corpus = { articles: ARTICLES, ...documentFrequency(articles) };
console.log('corpus', corpus);
// Queries: the support questions, and the title words of generated articles (what a customer
// of that knowledge base would ask about).
const generatedQueries = articles.slice(0, 40).map((a) => a.title.split(' ').slice(0, 3).join(' '));
const queries = QUESTIONS.flatMap((q, i) => [
  q,
  generatedQueries[i * 5] ?? q,
  generatedQueries[i * 5 + 1] ?? q,
]);

/** Both hosts of one database kind, measured interleaved. */
async function measure(kind, envFor) {
  const sample = await startHost(`${kind}-sample`, await envFor('sample'));
  const large = await startHost(`${kind}-50k`, await envFor('large'));
  try {
    console.log(`${kind}: loading ${ARTICLES} articles through rag.add_documents…`);
    const loaded = await load(large.url, articles);
    console.log(`${kind}: loaded`, loaded);
    const reps = { sample: { search: [], messages: [] }, large: { search: [], messages: [] } };
    for (let rep = 0; rep < REPETITIONS; rep += 1) {
      for (const [which, host] of [
        ['sample', sample],
        ['large', large],
      ]) {
        const search = await searchLatency(host.url, queries);
        const message = await messages(host.url, host.dir);
        reps[which].search.push(search);
        reps[which].messages.push(message);
        console.log(`${kind} ${which} rep ${rep + 1}`, { search, message });
      }
    }
    const summary = (which, host) => ({
      search_p50_ms: spread(reps[which].search.map((r) => r.p50_ms)),
      search_p99_ms: spread(reps[which].search.map((r) => r.p99_ms)),
      search_errors: reps[which].search.reduce((s, r) => s + r.errors, 0),
      hits_per_search: median(reps[which].search.map((r) => r.hits_per_search)),
      messages_per_s: spread(reps[which].messages.map((r) => r.messages_per_s)),
      message_p99_ms: spread(reps[which].messages.map((r) => r.p99_ms)),
      message_errors: reps[which].messages.reduce((s, r) => s + r.errors, 0),
      generator: reps[which].messages[0].generator,
      rss_mb: host.rssMb(),
    });
    const result = {
      sample: summary('sample', sample),
      large: summary('large', large),
      load: loaded,
    };
    // A restart on the loaded database: rag must not index its store again.
    await large.stop();
    const restarted = await startHost(`${kind}-50k-restart`, {
      ...(await envFor('large')),
      TOOLHOST_DATA_DIR: join(large.dir, 'data'),
    });
    result.restart = {
      ready_ms: restarted.startMs,
      reindexed: /rag indexed its store/.test(restarted.log()),
      rss_mb: restarted.rssMb(),
    };
    await restarted.stop();
    restarted.remove();
    return result;
  } finally {
    await sample.stop();
    await large.stop();
    sample.remove();
    large.remove();
  }
}

const scenarios = {};
const skipped = {};
scenarios.sqlite = await measure('sqlite', async () => ({}));
console.log('sqlite', JSON.stringify(scenarios.sqlite, null, 2));
if (process.env['BENCH_SEARCH_POSTGRES'] !== '0' && (await reachable(POSTGRES_URL))) {
  const databases = {};
  await withPostgresDatabase((sampleUrl) =>
    withPostgresDatabase(async (largeUrl) => {
      databases.sample = sampleUrl;
      databases.large = largeUrl;
      scenarios.postgres = await measure('postgres', async (which) => ({
        DATABASE_URL: databases[which],
      }));
    }),
  ).catch((error) => {
    skipped.postgres = `failed: ${error.message}`;
  });
  if (scenarios.postgres) console.log('postgres', JSON.stringify(scenarios.postgres, null, 2));
} else {
  skipped.postgres = `PostgreSQL unreachable at ${POSTGRES_URL} (or BENCH_SEARCH_POSTGRES=0)`;
}

const p6 = (s) => {
  const ratio =
    Math.round((s.large.messages_per_s.median / s.sample.messages_per_s.median) * 1000) / 1000;
  return {
    search_p50_ms_at_50k: s.large.search_p50_ms.median,
    target_search_p50_ms: 10,
    messages_ratio_50k_to_sample: ratio,
    target_ratio: 0.5,
    rss_mb_at_50k: s.large.rss_mb,
    pass: s.large.search_p50_ms.median <= 10 && ratio >= 0.5 && s.large.search_errors === 0,
  };
};
const targets = {
  P6: p6(scenarios.sqlite),
  ...(scenarios.postgres && { P6_postgres: p6(scenarios.postgres) }),
};
for (const [name, figures] of Object.entries(targets)) {
  console.log(`${name}: ${JSON.stringify(figures)} ${figures.pass ? 'PASS' : 'FAIL'}`);
}
for (const [what, why] of Object.entries(skipped)) console.log(`!!! SKIPPED ${what}: ${why}`);
const report = {
  description:
    `rag.search (${SEARCHES} sequential HTTP invokes after 30 warm-up) and messages (${SECONDS} s at ${CONNECTIONS} connections, ` +
    `a fresh session each) with the 12 sample articles and with ${ARTICLES} generated ones (loaded through rag.add_documents), ` +
    `${REPETITIONS} interleaved repetitions, min/median/max; RSS of each host process after its load`,
  corpus,
  scenarios,
  skipped,
  targets,
};
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/searchPath.json'), `${JSON.stringify(report, null, 2)}\n`);
agent.destroy();
