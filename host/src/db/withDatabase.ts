import type { SqlOrm } from './Database.js';
import { databaseUnavailable, isConnectionError } from './databaseUnavailable.js';
import type { DatabaseLocation } from './parseDatabaseUrl.js';

interface Tracked {
  location: DatabaseLocation;
  closed: boolean;
}

const tracked = new WeakMap<SqlOrm, Tracked>();

/** Records where an ORM opened by `openDatabase` points, so its errors can name it. */
export function trackDatabase(orm: SqlOrm, location: DatabaseLocation): void {
  tracked.set(orm, { location, closed: false });
}

/** From now on `withDatabase(orm, …)` fails at once instead of touching the ORM. */
export function markDatabaseClosed(orm: SqlOrm): void {
  const entry = tracked.get(orm);
  if (entry) entry.closed = true;
}

const UNKNOWN: DatabaseLocation = { kind: 'sqlite', file: 'the host database' };

/**
 * Runs one database operation; a closed database, or one that cannot be reached, rejects with
 * `TOOLHOST_ERR_DATABASE_UNAVAILABLE` (without any password), other errors pass through.
 */
export async function withDatabase<T>(orm: SqlOrm, operation: () => Promise<T>): Promise<T> {
  const entry = tracked.get(orm);
  const location = entry?.location ?? UNKNOWN;
  if (entry?.closed) throw databaseUnavailable(location, new Error('the database was closed'));
  try {
    return await operation();
  } catch (error) {
    throw isConnectionError(error) ? databaseUnavailable(location, error) : error;
  }
}
