import { afterEach, describe, expect, it } from 'vitest';
import { createAuditTable } from '../host/src/audit/AuditTable.js';
import { auditEntry } from '../host/src/audit/testing/auditEntry.js';
import { createPluginStore } from '../host/src/container/createPluginStore.js';
import { commitGroupOf } from '../host/src/db/createSqlRunner.js';
import type { Database } from '../host/src/db/Database.js';
import { openDatabase } from '../host/src/db/openDatabase.js';
import { createScratchSqlite } from '../host/src/db/testing/createScratchSqlite.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function committed(other: Database, table: string): Promise<number> {
  const rows = await other.orm.em
    .getConnection()
    .execute<Array<{ n: number }>>(`select count(*) as n from "${table}"`);
  return Number(rows[0]?.n);
}

/** The host database and a second connection to its file, which sees only what is committed. */
async function open() {
  const scratch = await createScratchSqlite();
  cleanups.push(() => scratch.drop());
  const db = await openDatabase(scratch.url);
  cleanups.push(() => db.close());
  // A second connection sees only what is committed.
  const other = await openDatabase(scratch.url, { migrate: false });
  cleanups.push(() => other.close());
  const group = await commitGroupOf(db.orm);
  if (group === null) throw new Error('expected SQLite');
  return { db, other, group };
}

describe('group commit on SQLite', () => {
  it('commits the audit rows and store writes of concurrent messages in one transaction', async () => {
    const { db, other, group } = await open();
    const store = createPluginStore(db.orm, 'memory');
    const audit = createAuditTable(db.orm);
    const before = { ...group.stats };
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => store.put(`note:${i}`, { i })),
      ...Array.from({ length: 5 }, (_, i) => audit.insert([auditEntry(i)])),
    ]);
    expect(group.stats.commits - before.commits).toBe(1);
    expect(group.stats.writes - before.writes).toBe(25);
    expect(await committed(other, 'plugin_document')).toBe(20);
    expect(await committed(other, 'message_audit')).toBe(5);
  });

  it('a write resolves only once committed: another connection sees it by then', async () => {
    const { db, other } = await open();
    const store = createPluginStore(db.orm, 'memory');
    const written = store.put('k', { v: 1 });
    expect(await committed(other, 'plugin_document')).toBe(0);
    await written;
    expect(await committed(other, 'plugin_document')).toBe(1);
    await expect(store.get('k')).resolves.toEqual({ v: 1 });
  });
});
