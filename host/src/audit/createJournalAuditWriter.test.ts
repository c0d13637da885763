import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostError } from '../errors.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCapturingLogger } from '../../../test/support/capturingLogger.js';
import type { AuditEntry } from './AuditEntry.js';
import { createJournalAuditWriter } from './createJournalAuditWriter.js';
import { auditEntry } from './testing/auditEntry.js';

/** A table whose inserts can be held back (a database that hangs) or refused (one that is down). */
class GatedTable {
  readonly rows = new Map<string, AuditEntry>();
  down = false;
  #gate: Promise<void> | null = null;
  #open: (() => void) | null = null;

  hold(): void {
    this.#gate = new Promise((resolve) => (this.#open = resolve));
  }
  release(): void {
    this.#open?.();
    this.#gate = null;
  }
  async insert(entries: readonly AuditEntry[]): Promise<void> {
    await this.#gate;
    if (this.down) {
      throw new HostError('TOOLHOST_ERR_DATABASE_UNAVAILABLE', { details: 'ECONNREFUSED' });
    }
    for (const entry of entries) this.rows.set(entry.id, entry);
  }
}

let root: string;
let table: GatedTable;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'toolhost-journal-writer-'));
  table = new GatedTable();
});
afterEach(() => rm(root, { recursive: true, force: true }));

function open(closeTimeoutMs?: number) {
  const { logger, lines } = createCapturingLogger();
  const writer = createJournalAuditWriter({
    dir: join(root, 'audit-journal'),
    table,
    logger,
    ...(closeTimeoutMs === undefined ? {} : { closeTimeoutMs }),
  });
  return { writer, lines };
}

describe('createJournalAuditWriter', () => {
  it('answers once journaled and writes the rows in the background', async () => {
    const writer = await open().writer;
    const entries = Array.from({ length: 20 }, (_, n) => auditEntry(n));
    await Promise.all(entries.map((entry) => writer.write(entry)));
    await writer.flush();
    expect(table.rows.size).toBe(20);
    await writer.close();
  });

  it('writes what is left when closed, after the write under way', async () => {
    const writer = await open().writer;
    table.hold();
    await writer.write(auditEntry(0));
    await Promise.all([1, 2, 3].map((n) => writer.write(auditEntry(n))));
    const closed = writer.close();
    table.release();
    await closed;
    expect(table.rows.size).toBe(4);
    expect(writer.journal.checkpoint.offset).toBeGreaterThan(0);
    await expect(writer.write(auditEntry(4))).rejects.toMatchObject({
      code: 'TOOLHOST_ERR_AUDIT_FAILED',
    });
  });

  it('leaves the rows in the journal when the database is down, for the next start', async () => {
    const first = open();
    const writer = await first.writer;
    table.down = true;
    await Promise.all([0, 1, 2].map((n) => writer.write(auditEntry(n))));
    await writer.close();
    expect(table.rows.size).toBe(0);
    expect(first.lines).toContainEqual(
      expect.objectContaining({ message: 'audit rows stay in the journal until the next start' }),
    );

    table.down = false;
    const next = await open().writer;
    await next.flush();
    expect(table.rows.size).toBe(3);
    await next.close();
  });

  it('stops waiting for a database that does not answer', async () => {
    const first = open(50);
    const writer = await first.writer;
    await writer.flush();
    table.hold();
    await writer.write(auditEntry(0));
    await writer.close();
    expect(first.lines).toContainEqual(
      expect.objectContaining({
        message: 'audit rows stay in the journal: the database did not answer in time',
      }),
    );
    table.release();
  });
});
