import { isHostError } from '../errors.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/Database.js';
import { openDatabase } from '../db/openDatabase.js';
import type { AuditEntry } from './AuditEntry.js';
import { createAuditTable, type AuditTable } from './AuditTable.js';
import { createSyncAuditWriter } from './createSyncAuditWriter.js';
import { auditEntry } from './testing/auditEntry.js';

let database: Database;
let table: AuditTable;
let inserts: number[];

beforeEach(async () => {
  database = await openDatabase('sqlite::memory:');
  const real = createAuditTable(database.orm);
  inserts = [];
  table = {
    ...real,
    insert: (entries: readonly AuditEntry[]) => {
      inserts.push(entries.length);
      return real.insert(entries);
    },
  };
});
afterEach(() => database.close());

describe('createSyncAuditWriter', () => {
  it('commits each entry before resolving, sharing inserts between concurrent writes', async () => {
    const writer = createSyncAuditWriter(table);
    const entries = Array.from({ length: 50 }, (_, n) => auditEntry(n * 3));
    await Promise.all(entries.map((entry) => writer.write(entry)));
    expect(inserts).toEqual([1, 49]);
    expect(await table.listBySession('s-0', 100)).toHaveLength(50);
    await writer.write(auditEntry(300));
    expect(inserts).toEqual([1, 49, 1]);
    await writer.close();
  });

  it('caps the rows of one insert', async () => {
    const writer = createSyncAuditWriter(table, { maxBatch: 20 });
    await Promise.all(Array.from({ length: 50 }, (_, n) => writer.write(auditEntry(n))));
    expect(inserts).toEqual([1, 20, 20, 9]);
  });

  it('fails every write of a batch with TOOLHOST_ERR_AUDIT_FAILED when the database is gone', async () => {
    const writer = createSyncAuditWriter(table);
    await database.close();
    const results = await Promise.allSettled([
      writer.write(auditEntry(1)),
      writer.write(auditEntry(2)),
    ]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason as Error;
      expect(isHostError(reason) && reason.code).toBe('TOOLHOST_ERR_AUDIT_FAILED');
      expect(reason.message).toMatch(/request 'r-[12]' was not written/);
      expect(reason.message).toContain('The database is unavailable');
    }
  });

  it('refuses writes once closed', async () => {
    const writer = createSyncAuditWriter(table);
    await writer.close();
    await expect(writer.write(auditEntry(1))).rejects.toMatchObject({
      code: 'TOOLHOST_ERR_AUDIT_FAILED',
    });
  });
});
