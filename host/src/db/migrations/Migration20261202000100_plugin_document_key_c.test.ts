import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeWithPostgres, postgresUrl } from '../../../../test/support/services.js';
import type { Database } from '../Database.js';
import { openDatabase } from '../openDatabase.js';
import { createScratchPostgres } from '../testing/createScratchPostgres.js';
import { createScratchSqlite } from '../testing/createScratchSqlite.js';
import type { ScratchDatabase } from '../testing/ScratchDatabase.js';
import { migrationsList } from './index.js';

const KEY_C = 'Migration20261202000100_plugin_document_key_c';
const LATER = migrationsList
  .map((migration) => migration.name)
  .slice(migrationsList.findIndex((migration) => migration.name === KEY_C) + 1)
  .reverse();
// Under a linguistic collation `_` and case sort differently from code point order.
const KEYS = ['b', '_x', 'a', 'B', 'A', 'a-c', 'ab', 'a_b', 'a\\%'];

async function keyCollation(database: Database): Promise<string | null> {
  if (database.kind === 'sqlite') return null;
  const rows = await database.orm.em
    .getConnection()
    .execute<{ collation_name: string | null }[]>(
      `select collation_name from information_schema.columns where table_schema = current_schema() and table_name = 'plugin_document' and column_name = 'key'`,
    );
  return rows[0]?.collation_name ?? null;
}

function keyCollationMigration(createScratch: () => Promise<ScratchDatabase>): void {
  let scratch: ScratchDatabase;
  let database: Database;
  beforeEach(async () => {
    scratch = await createScratch();
    database = await openDatabase(scratch.url);
  });
  afterEach(async () => {
    await database.close();
    await scratch.drop();
  });

  it('keeps every document when reverted and applied again', async () => {
    const connection = database.orm.em.getConnection();
    for (const key of KEYS) {
      await connection.execute(
        `insert into "plugin_document" ("plugin", "key", "value", "updated_at") values ('memory', ?, ?, ?)`,
        [key, JSON.stringify({ key }), database.kind === 'sqlite' ? Date.now() : new Date()],
      );
    }
    const order = database.kind === 'sqlite' ? '"key"' : '"key" collate "C"';
    const store = {
      list: async (prefix = '') =>
        (
          await connection.execute<{ key: string; value: unknown }[]>(
            `select "key", "value" from "plugin_document" where "plugin" = 'memory' order by ${order}`,
          )
        )
          .filter((row) => row.key.startsWith(prefix))
          .map((row) => ({
            key: row.key,
            value: typeof row.value === 'string' ? (JSON.parse(row.value) as unknown) : row.value,
          })),
    };
    const before = await store.list();
    expect(before.map((doc) => doc.key)).toEqual([...KEYS].sort());
    expect(await keyCollation(database)).toBe(database.kind === 'sqlite' ? null : 'C');

    for (const name of LATER) expect(await database.rollback()).toEqual([name]);
    expect(await database.rollback()).toEqual([KEY_C]);
    expect(await keyCollation(database)).toBe(null);
    expect(await store.list()).toEqual(before);

    expect(await database.migrate()).toEqual([KEY_C, ...[...LATER].reverse()]);
    expect(await keyCollation(database)).toBe(database.kind === 'sqlite' ? null : 'C');
    expect(await store.list()).toEqual(before);
    expect(await store.list('a_')).toEqual([{ ...before.find((doc) => doc.key === 'a_b')! }]);
  });
}

describe('the plugin_document key collation migration on SQLite', () => {
  keyCollationMigration(createScratchSqlite);
});

describeWithPostgres('the plugin_document key collation migration on PostgreSQL', () => {
  keyCollationMigration(() => createScratchPostgres(postgresUrl()));
});
