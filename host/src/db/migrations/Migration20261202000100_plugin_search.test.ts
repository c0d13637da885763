import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeWithPostgres, postgresUrl } from '../../../../test/support/services.js';
import type { Database } from '../Database.js';
import { openDatabase } from '../openDatabase.js';
import { createScratchPostgres } from '../testing/createScratchPostgres.js';
import { createScratchSqlite } from '../testing/createScratchSqlite.js';
import { revertThrough } from '../testing/revertThrough.js';
import type { ScratchDatabase } from '../testing/ScratchDatabase.js';

const PLUGIN_SEARCH = 'Migration20261202000100_plugin_search';

async function searchTables(database: Database): Promise<string[]> {
  const connection = database.orm.em.getConnection();
  const rows =
    database.kind === 'sqlite'
      ? await connection.execute<{ name: string }[]>(
          `select name from sqlite_master where name like 'plugin_search%' and type in ('table', 'trigger') order by name`,
        )
      : await connection.execute<{ name: string }[]>(
          `select table_name as name from information_schema.tables where table_schema = current_schema() and table_name like 'plugin_search%' ` +
            `union select proname from pg_proc where proname like 'plugin_search%' order by name`,
        );
  return rows.map((row) => row.name);
}

function pluginSearchMigration(createScratch: () => Promise<ScratchDatabase>): void {
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

  it('creates the search tables, leaves the schema check clean, and reverts all of them', async () => {
    expect((await database.migrationStatus()).executed).toContain(PLUGIN_SEARCH);
    expect(await searchTables(database)).not.toEqual([]);
    expect(await database.orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
    const connection = database.orm.em.getConnection();
    const count = async () =>
      (
        await connection.execute<{ documents: number | string }[]>(
          `select "documents" from "plugin_search_count" where "plugin" = 'kb'`,
        )
      )[0]?.documents;
    await connection.execute(
      `insert into "plugin_search_document" ("plugin", "id", "title", "body", "tags") values ('kb', 'a', 'Refunds', 'Money back', '[]')`,
    );
    expect(Number(await count())).toBe(1);
    await connection.execute(`delete from "plugin_search_document"`);
    expect(Number(await count())).toBe(0);

    const later = await revertThrough(database, PLUGIN_SEARCH);
    expect(await searchTables(database)).toEqual([]);
    expect(await database.migrate()).toEqual([PLUGIN_SEARCH, ...later]);
    expect(await count()).toBeUndefined();
  });
}

describe('the plugin_search migration on SQLite', () => {
  pluginSearchMigration(createScratchSqlite);
});

describeWithPostgres('the plugin_search migration on PostgreSQL', () => {
  pluginSearchMigration(() => createScratchPostgres(postgresUrl()));
});
