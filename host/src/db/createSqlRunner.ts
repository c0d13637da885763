import { SqlitePlatform } from '@mikro-orm/sql';
import type { SqlOrm } from './Database.js';

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
}

/**
 * On SQLite, better-sqlite3 itself with one prepared statement per SQL text (the query
 * builder would prepare every statement anew); on PostgreSQL, the ORM's connection.
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
    run: async (sql, params) => (await statement(sql)).run(...params).changes,
  };
}
