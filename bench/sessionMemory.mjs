// Memory and per-write cost of in-memory sessions (DESIGN section 14, "Memory"): 100,000
// sessions, each begun and committed once as a message turn does (an idempotency record
// each, 10,000 kept), in this process. Reports RSS and heap after a GC, and the cost of a
// turn with 1,000 sessions held beside the same with 100,000 (expiry walks no map, so it
// should not grow). Writes bench/results/sessionMemory.json.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = new URL('../host/dist/session/InMemorySessionStore.js', import.meta.url);
if (!existsSync(dist)) {
  console.error('bench: host/dist is missing; run `npm run build` first.');
  process.exit(1);
}
const { InMemorySessionStore } = await import(dist.href);
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const SESSIONS = Number(process.env['BENCH_SESSIONS'] ?? 100_000);
const ANSWER = JSON.stringify({ reply: 'x'.repeat(600), toolMetadata: {}, sources: [] });

const mb = (bytes) => Math.round(bytes / 1e5) / 10;
function memory() {
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss_mb: mb(rss), heap_used_mb: mb(heapUsed) };
}

let n = 0;
async function turn(store, sessionId) {
  const claim = { key: `k-${(n += 1)}`, fingerprint: 'f', token: 't' };
  await store.beginTurn(sessionId, { owner: 'bench', idempotency: claim });
  await store.commitTurn(sessionId, {
    owner: 'bench',
    patch: { lastIntent: 'knowledge', customerId: 'C-1001' },
    failed: false,
    idempotency: { ...claim, answer: ANSWER },
  });
}

/** µs per turn over `count` turns on sessions `0..held-1`, round robin. */
async function turnCost(store, held, count) {
  const started = performance.now();
  for (let i = 0; i < count; i += 1) await turn(store, `s-${i % held}`);
  return Math.round(((performance.now() - started) / count) * 1000 * 100) / 100;
}

const before = memory();
const store = new InMemorySessionStore({ ttlSeconds: 3600 });
await turnCost(store, 1000, 20_000);
const small = await turnCost(store, 1000, 20_000);
for (let i = 1000; i < SESSIONS; i += 1) await turn(store, `s-${i}`);
const large = await turnCost(store, SESSIONS, 20_000);
const after = memory();
const report = {
  when: new Date().toISOString(),
  node: process.version,
  sessions: store.size,
  idempotency_records_kept: 10_000,
  before,
  after,
  rss_growth_mb: Math.round((after.rss_mb - before.rss_mb) * 10) / 10,
  turn_us_with_1000_sessions: small,
  turn_us_with_all_sessions: large,
};
console.log(report);
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(`${root}bench/results/sessionMemory.json`, `${JSON.stringify(report, null, 2)}\n`);
