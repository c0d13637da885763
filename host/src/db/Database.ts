import type { MikroORM } from '@mikro-orm/core';
import type { AbstractSqlDriver, SqlEntityManager } from '@mikro-orm/sql';

/** The ORM typed with the SQL entity manager, so forks offer `qb()`, `execute()` and raw filters. */
export type SqlOrm = MikroORM<AbstractSqlDriver, SqlEntityManager<AbstractSqlDriver>>;

export interface MigrationStatus {
  executed: string[];
  pending: string[];
}

/** The open host database (SQLite or PostgreSQL) with its migrations. */
export interface Database {
  readonly orm: SqlOrm;
  readonly kind: 'sqlite' | 'postgres';
  /** @throws HostError `TOOLHOST_ERR_DATABASE_UNAVAILABLE` when the database cannot answer. */
  ping(): Promise<void>;
  /** Applies every pending migration in one transaction; resolves to the names applied. */
  migrate(): Promise<string[]>;
  migrationStatus(): Promise<MigrationStatus>;
  /** Reverts the last executed migration; resolves to the names reverted (empty when none). */
  rollback(): Promise<string[]>;
  /**
   * Idempotent. Afterwards every method, and `withDatabase(orm, …)`, rejects with
   * `TOOLHOST_ERR_DATABASE_UNAVAILABLE`; a raw query through `orm` rejects with a MikroORM
   * DriverException carrying that code instead of silently reconnecting.
   */
  close(): Promise<void>;
}
