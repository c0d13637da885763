import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeWithPostgres, postgresUrl } from '../../../../test/support/services.js';
import type { Database } from '../Database.js';
import { migrationsList } from './index.js';
import { openDatabase } from '../openDatabase.js';
import { createScratchPostgres } from '../testing/createScratchPostgres.js';
import { createScratchSqlite } from '../testing/createScratchSqlite.js';
import type { ScratchDatabase } from '../testing/ScratchDatabase.js';

const PLUGIN_DOCUMENT = 'Migration20261124000000_plugin_document';
const MESSAGE_AUDIT = 'Migration20261125000000_message_audit';
/** The migrations after it, newest first: reverted before it is. */
const LATER = migrationsList
  .map((migration) => migration.name)
  .slice(2)
  .reverse();
const COLUMNS = [
  'escalation_ticket_id',
  'id',
  'message_text',
  'pii_redacted',
  'raw_payload_key',
  'request_id',
  'selected_sources',
  'session_id',
  'timestamp',
  'tools_called',
  'trace_id',
];

interface Shape {
  tables: string[];
  auditColumns: string[];
  /** Index name → its columns, in order. */
  auditIndexes: Record<string, string[]>;
}

async function shapeOf(database: Database): Promise<Shape> {
  const connection = database.orm.em.getConnection();
  if (database.kind === 'sqlite') {
    const tables = await connection.execute<{ name: string }[]>(
      `select name from sqlite_master where type = 'table' and name in ('plugin_document', 'message_audit') order by name`,
    );
    const columns = await connection.execute<{ name: string }[]>(
      `select name from pragma_table_info('message_audit') order by name`,
    );
    const indexes = await connection.execute<{ name: string }[]>(
      `select name from sqlite_master where type = 'index' and tbl_name = 'message_audit' and sql is not null`,
    );
    const auditIndexes: Record<string, string[]> = {};
    for (const { name } of indexes) {
      const info = await connection.execute<{ name: string }[]>(
        `select name from pragma_index_info('${name}') order by seqno`,
      );
      auditIndexes[name] = info.map((c) => c.name);
    }
    return {
      tables: tables.map((t) => t.name),
      auditColumns: columns.map((c) => c.name),
      auditIndexes,
    };
  }
  const tables = await connection.execute<{ table_name: string }[]>(
    `select table_name from information_schema.tables where table_schema = current_schema() and table_name in ('plugin_document', 'message_audit') order by table_name`,
  );
  const columns = await connection.execute<{ column_name: string }[]>(
    `select column_name from information_schema.columns where table_schema = current_schema() and table_name = 'message_audit' order by column_name`,
  );
  const indexes = await connection.execute<{ indexname: string; columns: string[] | string }[]>(
    `select i.relname as indexname, array_agg(a.attname order by k.n) as columns
       from pg_index x
       join pg_class i on i.oid = x.indexrelid
       join pg_class t on t.oid = x.indrelid
       cross join lateral unnest(x.indkey) with ordinality as k(attnum, n)
       join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
      where t.relname = 'message_audit' and not x.indisprimary
      group by i.relname`,
  );
  const auditIndexes: Record<string, string[]> = {};
  for (const index of indexes) {
    auditIndexes[index.indexname] = Array.isArray(index.columns)
      ? index.columns
      : index.columns.replace(/[{}]/g, '').split(',');
  }
  return {
    tables: tables.map((t) => t.table_name),
    auditColumns: columns.map((c) => c.column_name),
    auditIndexes,
  };
}

const AUDIT_INDEXES = {
  message_audit_session_id_timestamp_idx: ['session_id', 'timestamp'],
  message_audit_timestamp_idx: ['timestamp'],
};

function messageAuditMigration(createScratch: () => Promise<ScratchDatabase>): void {
  let scratch: ScratchDatabase;
  let database: Database;
  beforeEach(async () => {
    scratch = await createScratch();
    database = await openDatabase(scratch.url, { migrate: false });
  });
  afterEach(async () => {
    await database.close();
    await scratch.drop();
  });

  it('creates message_audit with its indexes, reverts it alone, and applies it again', async () => {
    const revertLater = async () => {
      for (const name of LATER) expect(await database.rollback()).toEqual([name]);
    };
    expect(await database.migrationStatus()).toEqual({
      executed: [],
      pending: [PLUGIN_DOCUMENT, MESSAGE_AUDIT, ...[...LATER].reverse()],
    });
    expect(await database.migrate()).toEqual([
      PLUGIN_DOCUMENT,
      MESSAGE_AUDIT,
      ...[...LATER].reverse(),
    ]);
    await revertLater();
    const migrated = await shapeOf(database);
    expect(migrated).toEqual({
      tables: ['message_audit', 'plugin_document'],
      auditColumns: COLUMNS,
      auditIndexes: AUDIT_INDEXES,
    });

    expect(await database.rollback()).toEqual([MESSAGE_AUDIT]);
    expect(await database.migrationStatus()).toEqual({
      executed: [PLUGIN_DOCUMENT],
      pending: [MESSAGE_AUDIT, ...[...LATER].reverse()],
    });
    expect(await shapeOf(database)).toEqual({
      tables: ['plugin_document'],
      auditColumns: [],
      auditIndexes: {},
    });

    expect(await database.migrate()).toEqual([MESSAGE_AUDIT, ...[...LATER].reverse()]);
    expect(await database.orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
    await revertLater();
    expect(await shapeOf(database)).toEqual(migrated);

    expect(await database.rollback()).toEqual([MESSAGE_AUDIT]);
    expect(await database.rollback()).toEqual([PLUGIN_DOCUMENT]);
    expect((await shapeOf(database)).tables).toEqual([]);
    expect(await database.migrate()).toEqual([
      PLUGIN_DOCUMENT,
      MESSAGE_AUDIT,
      ...[...LATER].reverse(),
    ]);
    await revertLater();
    expect(await shapeOf(database)).toEqual(migrated);
  });
}

describe('the message_audit migration on SQLite', () => {
  messageAuditMigration(createScratchSqlite);
});

describeWithPostgres('the message_audit migration on PostgreSQL', () => {
  messageAuditMigration(() => createScratchPostgres(postgresUrl()));
});
