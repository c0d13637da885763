import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from './Database.js';
import { commitGroupOf, createSqlRunner } from './createSqlRunner.js';
import { openDatabase } from './openDatabase.js';
import type { SqliteCommitGroup, SqliteTransactions } from './SqliteCommitGroup.js';
import { createScratchSqlite } from './testing/createScratchSqlite.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The host database and a second connection to the same file, which sees only what is committed. */
async function open(): Promise<{ db: Database; other: Database; group: SqliteCommitGroup }> {
  const scratch = await createScratchSqlite();
  cleanups.push(() => scratch.drop());
  const db = await openDatabase(scratch.url);
  cleanups.push(() => db.close());
  const other = await openDatabase(scratch.url, { migrate: false });
  cleanups.push(() => other.close());
  const group = await commitGroupOf(db.orm);
  if (group === null) throw new Error('expected SQLite');
  return { db, other, group };
}

async function committed(other: Database, table: string): Promise<number> {
  const rows = await other.orm.em
    .getConnection()
    .execute<Array<{ n: number }>>(`select count(*) as n from "${table}"`);
  return Number(rows[0]?.n);
}

interface Native extends SqliteTransactions {
  prepare(sql: string): { run(...params: unknown[]): unknown };
}

async function nativeOf(db: Database): Promise<Native> {
  return (await db.orm.em.getConnection().getNativeClient()) as Native;
}

const INSERT =
  'insert into "plugin_document" ("plugin", "key", "value", "updated_at") values (?, ?, ?, ?)';

/** A write straight through the group, so the test decides exactly what runs in which turn. */
function put(native: Native, group: SqliteCommitGroup, key: string): Promise<unknown> {
  return group.write(() => native.prepare(INSERT).run('p', key, '{}', 0));
}

const BAD_ROW =
  'insert into "plugin_document" ("plugin", "key", "value", "updated_at") values (null, ?, ?, ?)';

describe('SqliteCommitGroup', () => {
  it('the writes of one turn share one commit, and each resolves only once it is committed', async () => {
    const { db, other, group } = await open();
    const sql = createSqlRunner(db.orm);
    const before = { ...group.stats };
    const writes = Array.from({ length: 25 }, (_, i) => sql.run(INSERT, ['p', `k-${i}`, '{}', 0]));
    expect(await committed(other, 'plugin_document')).toBe(0);
    await Promise.all(writes);
    expect(group.stats.commits - before.commits).toBe(1);
    expect(group.stats.writes - before.writes).toBe(25);
    expect(await committed(other, 'plugin_document')).toBe(25);
  });

  it('a failing write rejects alone; the others of its turn are committed', async () => {
    const { db, other, group } = await open();
    const sql = createSqlRunner(db.orm);
    const before = group.stats.commits;
    const results = await Promise.allSettled([
      sql.run(INSERT, ['p', 'a', '{}', 0]),
      sql.run(BAD_ROW, ['bad', '{}', 0]),
      sql.run(INSERT, ['p', 'b', '{}', 0]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/NOT NULL/);
    expect(group.stats.commits - before).toBe(1);
    expect(await committed(other, 'plugin_document')).toBe(2);
  });

  it('when a failure rolls the whole transaction back, the writes before it run again on their own', async () => {
    const { db, other, group } = await open();
    const native = await nativeOf(db);
    const first = put(native, group, 'a');
    const second = put(native, group, 'b');
    // What SQLite does on SQLITE_FULL or an I/O error: the statement fails and the transaction is gone.
    const failing = group.write(() => {
      native.exec('rollback');
      throw new Error('disk full');
    });
    const third = put(native, group, 'c');
    await expect(failing).rejects.toThrow('disk full');
    await Promise.all([first, second, third]);
    expect(group.stats.replayed).toBe(2);
    expect(await committed(other, 'plugin_document')).toBe(3);
  });

  it('when the commit itself fails, every write of the group runs again and settles on its own', async () => {
    const { db, other, group } = await open();
    const native = await nativeOf(db);
    const puts = [put(native, group, 'a'), put(native, group, 'b')];
    const duplicate = put(native, group, 'a');
    // The transaction vanishes before the end of the turn, so its commit fails.
    const vanishing = group.write(() => native.exec('rollback'));
    const results = await Promise.allSettled([...puts, duplicate]);
    // Run again on its own, the rollback finds no transaction: it settles with that error.
    await expect(vanishing).rejects.toThrow('no transaction is active');
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(group.stats.replayed).toBe(3);
    expect(group.stats.commits).toBe(0);
    expect(await committed(other, 'plugin_document')).toBe(2);
  });

  it('joins a transaction someone else opened instead of failing to nest', async () => {
    const { db, other, group } = await open();
    const native = await nativeOf(db);
    native.exec('begin');
    await createSqlRunner(db.orm).run(INSERT, ['p', 'k', '{}', 0]);
    expect(await committed(other, 'plugin_document')).toBe(0);
    native.exec('commit');
    expect(await committed(other, 'plugin_document')).toBe(1);
    expect(group.stats.commits).toBe(0);
  });
});
