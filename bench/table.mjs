// Prints the README's benchmark table (scenario, peer, ratio, target, met?) from
// bench/results/latest.json: `node bench/table.mjs` after `npm run bench`.
import { readFileSync } from 'node:fs';

const latest = JSON.parse(readFileSync(new URL('results/latest.json', import.meta.url), 'utf8'));
const spread = (s) => (s ? `${s.median} (${s.min}–${s.max})` : '—');
const yes = (met) => (met === undefined ? '—' : met ? 'yes' : '**no**');
const rows = [];
const p1 = latest.callPath?.targets;
if (p1) {
  const mcp = latest.callPath.cases.mcp.median_us;
  for (const [name, label] of [
    ['P1', 'P1 inline call: recorded span, per-call lines (debug) to a file'],
    ['P1_default_level', 'P1 inline call at the default level (info: no per-call line)'],
    ['P1_default_tracing', 'P1 the same with the default tracing (spans not recorded)'],
  ]) {
    const t = p1[name];
    if (t)
      rows.push([
        label,
        `MCP SDK in-memory call (${mcp} µs median)`,
        t.ratio_median_per_round,
        t.target,
        yes(t.pass),
      ]);
  }
}
const mp = latest.messagePath;
if (mp?.scenarios) {
  const s = mp.scenarios;
  const rps = (name) => (s[name] ? `${spread(s[name].req_per_s)} msg/s` : '—');
  const t = mp.targets ?? {};
  if (t.P3) {
    rows.push([
      `P3 messages, SQLite, sync audit: ${rps('sqlite_sync')}, p99 ${spread(t.P3.p99_ms)} ms, ${t.P3.errors} errors`,
      `bare Koa + body parsing: ${rps('bare_koa')}`,
      spread(t.P3.ratio),
      t.P3.target,
      yes(t.P3.met),
    ]);
  }
  if (t.P3_postgres) {
    rows.push([
      `P3 messages, PostgreSQL, sync audit: ${rps('postgres_sync')}`,
      'the same on SQLite',
      spread(t.P3_postgres.ratio),
      t.P3_postgres.target,
      yes(t.P3_postgres.met),
    ]);
  }
  if (t.P4) {
    rows.push([
      `P4 in-memory sessions: ${rps('sqlite_sync')}`,
      `Redis sessions: ${rps('redis_sessions')}`,
      `${spread(t.P4.in_memory_over_redis)}; Redis/in-memory ${spread(t.P4.redis_over_in_memory)}`,
      '≥ 1, and Redis ≥ 0.9×',
      yes(t.P4.met),
    ]);
  }
  for (const [name, label] of [
    ['sqlite_async', 'messages, SQLite, async audit'],
    ['postgres_async', 'messages, PostgreSQL, async audit'],
    ['echo_invoke', '`echo.say` invoke'],
  ]) {
    if (!s[name]) continue;
    const ratio = (s[name].repetitions ?? []).map(
      (r, i) => Math.round((r.req_per_s / s.bare_koa.repetitions[i].req_per_s) * 1000) / 1000,
    );
    const sorted = [...ratio].sort((a, b) => a - b);
    rows.push([
      `${label}: ${rps(name)}, p99 ${spread(s[name].p99_ms)} ms`,
      'bare Koa',
      sorted.length
        ? `${sorted[Math.floor(sorted.length / 2)]} (${sorted[0]}–${sorted.at(-1)})`
        : '—',
      '—',
      '—',
    ]);
  }
  if (t.generator) {
    rows.push([
      `load generator: wrk at bare Koa uses ${spread(t.generator.wrk_cpu_pct_at_bare_koa)}% of a core`,
      'the host',
      `bare Koa ${spread(t.generator.bare_koa_over_host)}× the host`,
      'generator not the bottleneck',
      '—',
    ]);
  }
}
const sm = latest.sessionMemory;
if (sm) {
  rows.push([
    `memory: ${sm.sessions} in-memory sessions (${sm.idempotency_records_kept} answers kept)`,
    `RSS before: ${sm.before.rss_mb} MB`,
    `RSS ${sm.after.rss_mb} MB, heap ${sm.after.heap_used_mb} MB; a turn ${sm.turn_us_with_all_sessions} µs (${sm.turn_us_with_1000_sessions} µs with 1,000)`,
    'reported',
    '—',
  ]);
}
const p2 = latest.sandboxPath?.targets;
if (p2) {
  for (const [name, t] of Object.entries(p2)) {
    const runtime = name.replace('P2_', '');
    rows.push([
      `P2 \`${runtime}\` call, sequential latency`,
      'MCP SDK stdio call',
      spread(t.latency_ratio),
      t.latency_ratio.target,
      yes(t.latency_ratio.pass),
    ]);
    rows.push([
      `P2 \`${runtime}\` calls/s with 16 in flight`,
      'MCP SDK stdio, 16 in flight',
      spread(t.throughput_ratio),
      t.throughput_ratio.target,
      yes(t.throughput_ratio.pass),
    ]);
  }
}
const p5 = latest.pluginDrop;
if (p5?.targets) {
  rows.push([
    'P5 plugin folder dropped, then its manifest written → served',
    '—',
    `median ${p5.median_ms} ms, max ${p5.max_ms} ms`,
    `max <= ${p5.targets.P5.target_ms} ms`,
    yes(p5.targets.P5.pass),
  ]);
}
const p5b = latest.pluginInstall;
if (p5b?.targets) {
  rows.push([
    `P5b \`plugins install --enable\` from a local registry → served (${p5b.runtime})`,
    `admin API install: median ${p5b.admin_api.median_ms} ms`,
    `CLI median ${p5b.cli.median_ms} ms, max ${p5b.cli.max_ms} ms`,
    `max <= ${p5b.targets.P5b.target_ms} ms`,
    yes(p5b.targets.P5b.pass),
  ]);
}
const p6 = latest.searchPath?.targets;
if (p6) {
  for (const [name, t] of Object.entries(p6)) {
    const db = name === 'P6' ? 'SQLite' : 'PostgreSQL';
    rows.push([
      `P6 \`rag.search\` p50 with 50,000 articles (${db}; RSS ${t.rss_mb_at_50k} MB)`,
      '—',
      `${t.search_p50_ms_at_50k} ms`,
      `<= ${t.target_search_p50_ms} ms`,
      yes(t.search_p50_ms_at_50k <= t.target_search_p50_ms),
    ]);
    rows.push([
      `P6 messages/s with 50,000 articles (${db})`,
      'the same with the 12 sample articles',
      t.messages_ratio_50k_to_sample,
      `>= ${t.target_ratio}`,
      yes(t.messages_ratio_50k_to_sample >= t.target_ratio),
    ]);
  }
}
const p7 = latest.mcpPath?.targets?.P7_mcp_latency;
if (p7) {
  rows.push([
    'P7 a no-op tool through the host’s `/mcp` (SDK client), sequential latency',
    'a plain MCP SDK Streamable HTTP server',
    spread(p7.latency_ratio),
    p7.latency_ratio.target,
    yes(p7.latency_ratio.pass),
  ]);
}
for (const name of Object.keys(latest)) {
  if (latest[name]?.error)
    rows.push([`${name}: the benchmark failed (${latest[name].error})`, '—', '—', '—', '**no**']);
}
console.log('| scenario | peer | ratio (median, min–max) | target | met? |');
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
console.log(
  `\nMeasured ${latest.date} (Node ${latest.node}, ${latest.cpus} cores, load average ${latest.loadavg?.map((x) => Math.round(x * 100) / 100).join(' ')}).`,
);
