// Store prefix listing on PostgreSQL with and without the "C" key index range
// (Migration20261202000100): 200,000 documents across 8 plugins, one prefix that matches one
// key, 3 interleaved repetitions of 300 lists each. Run alone: node bench/storePrefix.mjs
// (after npm run build); not part of npm run bench yet.
import { performance } from 'node:perf_hooks';
import { createPluginStore } from '../host/dist/container/createPluginStore.js';
import { openDatabase } from '../host/dist/db/openDatabase.js';
import { randomBytes } from 'node:crypto';

const url = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const admin = await openDatabase(url, { migrate: false });
const name = `th_bench_${randomBytes(6).toString('hex')}`;
// A linguistic default collation, as most production databases have (en_US.UTF-8 and the like).
await admin.orm.em
  .getConnection()
  .execute(
    `create database "${name}" template template0 locale_provider icu icu_locale 'en-US' lc_collate 'C.UTF-8' lc_ctype 'C.UTF-8'`,
  );
const scratchUrl = new URL(url);
scratchUrl.pathname = `/${name}`;
const database = await openDatabase(scratchUrl.href);
const connection = database.orm.em.getConnection();
await connection.execute(
  `insert into "plugin_document" ("plugin", "key", "value", "updated_at")
   select 'p' || (i % 8), 'session/' || i || '/note', '{}'::jsonb, now() from generate_series(1, 200000) as i`,
);
const store = createPluginStore(database.orm, 'p3');
const median = (values) => values.sort((x, y) => x - y)[Math.floor(values.length / 2)];
async function measure() {
  await connection.execute('analyze "plugin_document"');
  const times = [];
  for (let i = 0; i < 300; i += 1) {
    const start = performance.now();
    await store.list('session/199995/');
    times.push(performance.now() - start);
  }
  return median(times);
}
const KEY_C = 'Migration20261202000100_plugin_document_key_c';
const rounds = { indexed: [], scanned: [] };
try {
  for (let round = 0; round < 3; round += 1) {
    rounds.indexed.push(await measure());
    while ((await database.migrationStatus()).executed.at(-1) !== KEY_C) await database.rollback();
    await database.rollback();
    rounds.scanned.push(await measure());
    await database.migrate();
  }
  const show = (values) => values.map((v) => v.toFixed(3)).join(' / ');
  console.log(`list(prefix) median ms per repetition, indexed range: ${show(rounds.indexed)}`);
  console.log(`list(prefix) median ms per repetition, without it:    ${show(rounds.scanned)}`);
} finally {
  await database.close();
  await admin.orm.em.getConnection().execute(`drop database if exists "${name}" with (force)`);
  await admin.close();
}
