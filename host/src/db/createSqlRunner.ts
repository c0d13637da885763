import { SqlitePlatform } from '@mikro-orm/sql';
import type { SqlOrm } from './Database.js';
import { SqliteCommitGroup } from './SqliteCommitGroup.js';

/** Plain statements with `?` placeholders, for the hot paths that need no entity manager. */
export interface SqlRunner {
  readonly sqlite: boolean;
  all<T>(sql: string, params: readonly unknown[]): Promise<T[]>;
  /** Resolves to the number of rows changed. */
  run(sql: string, params: readonly unknown[]): Promise<number>;
}

interface NativeStatement {
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
}

interface NativeSqlite {
  prepare(sql: string): NativeStatement;
  exec(sql: string): unknown;
  readonly inTransaction: boolean;
}

// One group per connection, shared by every runner on it (audit table, plugin stores).
const groups = new WeakMap<NativeSqlite, SqliteCommitGroup>();

function groupOf(native: NativeSqlite): SqliteCommitGroup {
  let group = groups.get(native);
  if (group === undefined) groups.set(native, (group = new SqliteCommitGroup(native)));
  return group;
}

/** The commit group of an SQLite ORM's connection (for tests and diagnostics); null on PostgreSQL. */
export async function commitGroupOf(orm: SqlOrm): Promise<SqliteCommitGroup | null> {
  if (!(orm.em.getPlatform() instanceof SqlitePlatform)) return null;
  return groupOf((await orm.em.getConnection().getNativeClient()) as NativeSqlite);
}

/**
 * On SQLite, better-sqlite3 itself with one prepared statement per SQL text (the query
 * builder would prepare every statement anew), and writes group-committed with the other
 * writes of the same event-loop turn (SqliteCommitGroup); on PostgreSQL, the ORM's connection.
 */
export function createSqlRunner(orm: SqlOrm): SqlRunner {
  const connection = () => orm.em.getConnection();
  if (!(orm.em.getPlatform() instanceof SqlitePlatform)) {
    return {
      sqlite: false,
      all: <T>(sql: string, params: readonly unknown[]) =>
        connection().execute<T[]>(sql, [...params]),
      run: async (sql, params) =>
        (await connection().execute<{ affectedRows: number }>(sql, [...params], 'run'))
          .affectedRows,
    };
  }
  const statements = new Map<string, NativeStatement>();
  let native: NativeSqlite | null = null;
  const statement = async (sql: string): Promise<NativeStatement> => {
    native ??= (await connection().getNativeClient()) as NativeSqlite;
    let prepared = statements.get(sql);
    if (prepared === undefined) statements.set(sql, (prepared = native.prepare(sql)));
    return prepared;
  };
  return {
    sqlite: true,
    all: async <T>(sql: string, params: readonly unknown[]) =>
      (await statement(sql)).all(...params) as T[],
    run: async (sql, params) => {
      const prepared = await statement(sql);
      return groupOf(native as NativeSqlite).write(() => prepared.run(...params).changes);
    },
  };
}
