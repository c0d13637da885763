import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeWithPostgres, postgresUrl } from '../../../test/support/services.js';
import type { Database } from '../db/Database.js';
import { openDatabase } from '../db/openDatabase.js';
import { createScratchPostgres } from '../db/testing/createScratchPostgres.js';
import { createScratchSqlite } from '../db/testing/createScratchSqlite.js';
import type { ScratchDatabase } from '../db/testing/ScratchDatabase.js';
import { createAuditTable, type AuditTable } from './AuditTable.js';
import { auditEntry } from './testing/auditEntry.js';

function tableContract(createScratch: () => Promise<ScratchDatabase>): void {
  let scratch: ScratchDatabase;
  let database: Database;
  let table: AuditTable;

  beforeEach(async () => {
    scratch = await createScratch();
    database = await openDatabase(scratch.url);
    table = createAuditTable(database.orm);
  });
  afterEach(async () => {
    await database.close();
    await scratch.drop();
  });

  it('inserts entries and lists a session newest first, as they went in', async () => {
    const entries = Array.from({ length: 9 }, (_, n) =>
      auditEntry(n, {
        escalationTicketId: n === 3 ? 'TCK-3' : null,
        rawPayloadKey: n === 6 ? `audit/2026/01/x.json` : null,
        traceId: n === 0 ? 'f'.repeat(32) : null,
        piiRedacted: n % 2 === 0,
      }),
    );
    await table.insert(entries);
    const session0 = entries.filter((e) => e.sessionId === 's-0').reverse();
    expect(await table.listBySession('s-0', 100)).toEqual(session0);
    expect(await table.listBySession('s-0', 2)).toEqual(session0.slice(0, 2));
    expect(await table.listBySession('nobody', 100)).toEqual([]);
  });

  it('skips entries whose id is there already, so a replay is idempotent', async () => {
    const entries = Array.from({ length: 5 }, (_, n) => auditEntry(n * 3));
    await table.insert(entries.slice(0, 3));
    await table.insert([{ ...entries[0]!, messageText: 'changed' }, ...entries]);
    const rows = await table.listBySession('s-0', 100);
    expect(rows).toHaveLength(5);
    expect(rows.map((r) => r.messageText)).not.toContain('changed');
    await table.insert([]);
  });
}

describe('AuditTable on SQLite', () => {
  tableContract(createScratchSqlite);
});

describeWithPostgres('AuditTable on PostgreSQL', () => {
  tableContract(() => createScratchPostgres(postgresUrl()));
});
