import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MikroORM } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { isHostError } from '../errors.js';
import type { Database, SqlOrm } from './Database.js';
import { databaseUnavailable } from './databaseUnavailable.js';
import { entities } from './entities.js';
import { migrationsList } from './migrations/index.js';
import { parseDatabaseUrl, type DatabaseLocation } from './parseDatabaseUrl.js';
import { markDatabaseClosed, trackDatabase, withDatabase } from './withDatabase.js';

export interface OpenDatabaseOptions {
  /** Apply pending migrations before resolving (default true: the host migrates at start). */
  migrate?: boolean;
}

const POSTGRES_CONNECT_TIMEOUT_MS = 10_000;

function ormOptions() {
  return {
    entities,
    extensions: [Migrator],
    // The host never creates databases: a missing one is reported as unavailable.
    ensureDatabase: false,
    debug: false,
    // The search tables (an FTS5 table and its shadow tables on SQLite, a generated tsvector on
    // PostgreSQL) are plain SQL of their migration, not entities.
    schemaGenerator: { skipTables: [/^plugin_search_/] },
    migrations: {
      migrationsList,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
  };
}

async function initOrm(location: DatabaseLocation): Promise<SqlOrm> {
  if (location.kind === 'sqlite') {
    if (location.file !== ':memory:') {
      await mkdir(dirname(location.file), { recursive: true }).catch((error: unknown) => {
        throw databaseUnavailable(location, error);
      });
    }
    const { SqliteDriver } = await import('@mikro-orm/sqlite');
    return MikroORM.init({ ...ormOptions(), driver: SqliteDriver, dbName: location.file });
  }
  const { PostgreSqlDriver } = await import('@mikro-orm/postgresql');
  return MikroORM.init({
    ...ormOptions(),
    driver: PostgreSqlDriver,
    clientUrl: location.url,
    // Handing pg the URL itself keeps its query parameters (sslmode, application_name, …).
    driverOptions: {
      connectionString: location.url,
      connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS,
    },
  });
}

/** One connection; WAL persists in the file, the other pragmas hold for this connection. */
async function tuneSqlite(orm: SqlOrm): Promise<void> {
  const connection = orm.em.getConnection();
  await connection.execute('pragma journal_mode = wal');
  await connection.execute('pragma synchronous = normal');
  await connection.execute('pragma busy_timeout = 5000');
}

function names(migrations: readonly { name: string }[]): string[] {
  return migrations.map((migration) => migration.name);
}

function createDatabase(orm: SqlOrm, location: DatabaseLocation): Database {
  let closed = false;
  trackDatabase(orm, location);
  const guarded = <T>(operation: () => Promise<T>): Promise<T> => withDatabase(orm, operation);

  return {
    orm,
    kind: location.kind,
    ping: () =>
      guarded(async () => {
        try {
          await orm.em.getConnection().execute('select 1');
        } catch (error) {
          throw databaseUnavailable(location, error);
        }
      }),
    migrate: () => guarded(async () => names(await orm.migrator.up())),
    migrationStatus: () =>
      guarded(async () => ({
        executed: names(await orm.migrator.getExecuted()),
        pending: names(await orm.migrator.getPending()),
      })),
    rollback: () => guarded(async () => names(await orm.migrator.down())),
    async close() {
      if (closed) return;
      closed = true;
      markDatabaseClosed(orm);
      await orm.close(true);
      // MikroORM reconnects lazily on the next query, even after close(); a late query that does
      // not go through withDatabase would reopen the database and leak it. Make reconnects fail.
      orm.config.set('driverOptions', () => {
        throw databaseUnavailable(location, new Error('the database was closed'));
      });
    },
  };
}

/**
 * Opens the host database named by the `databaseUrl` setting (see `parseDatabaseUrl`), checks
 * that it answers and, unless `migrate: false`, applies pending migrations.
 * @throws HostError `TOOLHOST_ERR_SETTINGS_INVALID` for a malformed URL,
 * `TOOLHOST_ERR_DATABASE_UNAVAILABLE` when the database cannot be reached or opened;
 * a failing migration rejects with the driver's error and leaves no part of its batch applied.
 */
export async function openDatabase(
  databaseUrl: string,
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  const location = parseDatabaseUrl(databaseUrl);
  const database = createDatabase(await initOrm(location), location);
  try {
    await database.ping();
    if (location.kind === 'sqlite') await tuneSqlite(database.orm);
  } catch (error) {
    await database.close();
    throw isHostError(error) ? error : databaseUnavailable(location, error);
  }
  if (options.migrate ?? true) {
    try {
      await database.migrate();
    } catch (error) {
      await database.close();
      throw error;
    }
  }
  return database;
}
