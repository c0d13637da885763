import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isHostError } from '../errors.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeWithPostgres, postgresUrl } from '../../../test/support/services.js';
import type { Database } from './Database.js';
import { migrationsList } from './migrations/index.js';
import { openDatabase, type OpenDatabaseOptions } from './openDatabase.js';
import { PluginDocumentSchema } from './PluginDocument.js';
import { createScratchPostgres } from './testing/createScratchPostgres.js';
import { createScratchSqlite } from './testing/createScratchSqlite.js';
import type { ScratchDatabase } from './testing/ScratchDatabase.js';

const ALL = migrationsList.map((migration) => migration.name);
const LAST = ALL.at(-1) ?? '';

/** Resolves to the message of the TOOLHOST_ERR_DATABASE_UNAVAILABLE error the promise rejects with. */
async function unavailable(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => new Error('expected a rejection'),
    (reason: unknown) => reason,
  );
  expect(isHostError(error) ? error.code : error).toBe('TOOLHOST_ERR_DATABASE_UNAVAILABLE');
  return (error as Error).message;
}

function migrationContract(createScratch: () => Promise<ScratchDatabase>): void {
  let scratch: ScratchDatabase;
  const opened: Database[] = [];
  async function open(options?: OpenDatabaseOptions): Promise<Database> {
    const database = await openDatabase(scratch.url, options);
    opened.push(database);
    return database;
  }

  beforeEach(async () => {
    scratch = await createScratch();
  });
  afterEach(async () => {
    for (const database of opened.splice(0)) await database.close();
    await scratch.drop();
  });

  it('migrates an empty database and reports executed and pending migrations', async () => {
    const database = await open({ migrate: false });
    expect(await database.migrationStatus()).toEqual({ executed: [], pending: ALL });
    expect(await database.migrate()).toEqual(ALL);
    expect(await database.migrationStatus()).toEqual({ executed: ALL, pending: [] });
    expect(await database.migrate()).toEqual([]);
  });

  it('migrates at open by default, once', async () => {
    const first = await open();
    expect(await first.migrationStatus()).toEqual({ executed: ALL, pending: [] });
    await first.close();
    const second = await open();
    expect(await second.migrationStatus()).toEqual({ executed: ALL, pending: [] });
  });

  it('creates exactly the schema the entities describe', async () => {
    const database = await open();
    expect(await database.orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
  });

  it('rolls back the last migration and applies it again', async () => {
    const database = await open();
    expect(await database.rollback()).toEqual([LAST]);
    expect(await database.migrationStatus()).toEqual({
      executed: ALL.slice(0, -1),
      pending: [LAST],
    });
    expect(await database.migrate()).toEqual([LAST]);
    expect(await database.orm.schema.getUpdateSchemaSQL({ wrap: false })).toBe('');
    const em = database.orm.em.fork();
    await em.upsert(PluginDocumentSchema, {
      plugin: 'p',
      key: 'k',
      value: { ok: true },
      updatedAt: new Date(),
    });
    expect(await database.orm.em.fork().count(PluginDocumentSchema, {})).toBe(1);
  });

  it('answers pings while open and reports unavailable once closed', async () => {
    const database = await open();
    await expect(database.ping()).resolves.toBeUndefined();
    await database.close();
    await database.close();
    expect(await unavailable(database.ping())).toContain('the database was closed');
    await unavailable(database.migrate());
    await unavailable(database.migrationStatus());
    // Left alone, MikroORM would silently reconnect here and leak the connection.
    const error = await database.orm.em
      .fork()
      .find(PluginDocumentSchema, {})
      .catch((reason: unknown) => reason);
    expect(error).toMatchObject({ code: 'TOOLHOST_ERR_DATABASE_UNAVAILABLE' });
  });
}

describe('openDatabase on SQLite', () => {
  migrationContract(createScratchSqlite);

  it('creates the folder of the file and turns on WAL', async () => {
    const scratch = await createScratchSqlite();
    try {
      const database = await openDatabase(scratch.url);
      const [row] = await database.orm.em.getConnection().execute('pragma journal_mode');
      expect(row).toEqual({ journal_mode: 'wal' });
      await database.close();
    } finally {
      await scratch.drop();
    }
  });

  it('opens an in-memory database', async () => {
    const database = await openDatabase('sqlite::memory:');
    expect(await database.migrationStatus()).toEqual({ executed: ALL, pending: [] });
    await database.close();
  });

  it('reports unavailable when the folder cannot be created', async () => {
    const scratch = await createScratchSqlite();
    try {
      const blocker = join(dirname(scratch.file), 'blocker');
      await mkdir(dirname(blocker), { recursive: true });
      await writeFile(blocker, 'a file, not a folder');
      const message = await unavailable(openDatabase(`sqlite:${join(blocker, 'x.sqlite')}`));
      expect(message).toContain(blocker);
    } finally {
      await scratch.drop();
    }
  });

  it('reports unavailable when the file is not a SQLite database', async () => {
    const scratch = await createScratchSqlite();
    try {
      await mkdir(dirname(scratch.file), { recursive: true });
      await writeFile(scratch.file, 'not a database '.repeat(100));
      expect(await unavailable(openDatabase(scratch.url))).toContain(scratch.file);
    } finally {
      await scratch.drop();
    }
  });
});

describe('openDatabase on an unreachable PostgreSQL', () => {
  it('reports unavailable without the password', async () => {
    const url = new URL(postgresUrl());
    url.port = '1';
    url.password = 'pw-must-not-leak';
    const message = await unavailable(openDatabase(url.href));
    expect(message).toContain('The database is unavailable');
    expect(message).toContain(':***@');
    expect(message).toContain('ECONNREFUSED');
    expect(message).not.toContain('pw-must-not-leak');
  });
});

describeWithPostgres('openDatabase on PostgreSQL', () => {
  migrationContract(() => createScratchPostgres(postgresUrl()));

  it('reports dropped connections as unavailable, then recovers without a reopen', async () => {
    const scratch = await createScratchPostgres(postgresUrl());
    const database = await openDatabase(scratch.url);
    const admin = await openDatabase(postgresUrl(), { migrate: false });
    try {
      await Promise.all([database.ping(), database.ping(), database.ping()]);
      const killed = await admin.orm.em
        .getConnection()
        .execute('select pg_terminate_backend(pid) from pg_stat_activity where datname = ?', [
          new URL(scratch.url).pathname.slice(1),
        ]);
      expect(killed.length).toBeGreaterThanOrEqual(1);
      const failures: string[] = [];
      // Each pooled connection the server killed fails once (unless the pool noticed the
      // drop first, which depends on timing); either way the pool then opens fresh ones.
      // How many the pool held depends on timing too, so the bound is what was killed.
      for (let attempt = 0; attempt <= 10; attempt += 1) {
        const error = await database.ping().catch((reason: unknown) => reason);
        if (error === undefined) break;
        failures.push(await unavailable(Promise.reject(error)));
      }
      expect(failures.length).toBeLessThanOrEqual(killed.length);
      await expect(database.ping()).resolves.toBeUndefined();
    } finally {
      await database.close();
      await admin.close();
      await scratch.drop();
    }
  });

  it('reports a missing database as unavailable instead of creating it', async () => {
    const scratch = await createScratchPostgres(postgresUrl());
    const url = new URL(scratch.url);
    await scratch.drop();
    expect(await unavailable(openDatabase(url.href))).toContain('does not exist');
    const admin = await openDatabase(postgresUrl(), { migrate: false });
    try {
      const rows = await admin.orm.em
        .getConnection()
        .execute('select 1 from pg_database where datname = ?', [url.pathname.slice(1)]);
      expect(rows).toEqual([]);
    } finally {
      await admin.close();
    }
  });
});
