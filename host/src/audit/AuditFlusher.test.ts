import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCapturingLogger, type LogLine } from '../../../test/support/capturingLogger.js';
import { HostError } from '../errors.js';
import type { AuditEntry } from './AuditEntry.js';
import { AuditFlusher, type AuditFlusherOptions } from './AuditFlusher.js';
import type { JournalBatch, JournalPosition, JournalSource } from './JournalSource.js';
import { auditEntry } from './testing/auditEntry.js';

/** A journal held in memory: positions are indexes into `entries`. */
class MemoryJournal implements JournalSource {
  readonly entries: AuditEntry[] = [];
  readonly quarantined: Array<{ entry: AuditEntry; reason: string }> = [];
  checkpoint = 0;
  replayEnd?: JournalPosition;

  async read(max: number, until?: JournalPosition): Promise<JournalBatch> {
    const stop = Math.min(this.checkpoint + max, until?.offset ?? Infinity);
    const entries = this.entries.slice(this.checkpoint, stop);
    return { entries, end: { segment: 1, offset: this.checkpoint + entries.length } };
  }
  async acknowledge(end: JournalPosition): Promise<void> {
    this.checkpoint = Math.max(this.checkpoint, end.offset);
  }
  async quarantine(entry: AuditEntry, reason: string): Promise<void> {
    this.quarantined.push({ entry, reason });
  }
}

/** The database as the flusher sees it: rows by id, an outage switch, a log of attempts. */
class MemoryTable {
  readonly rows = new Map<string, AuditEntry>();
  readonly attempts: number[] = [];
  down = false;
  refuse = new Set<string>();

  async insert(entries: readonly AuditEntry[]): Promise<void> {
    this.attempts.push(Date.now());
    if (this.down) {
      throw new HostError('TOOLHOST_ERR_DATABASE_UNAVAILABLE', { details: 'ECONNREFUSED' });
    }
    if (entries.some((e) => this.refuse.has(e.id))) {
      throw Object.assign(new Error('value too long'), { code: '22001' });
    }
    for (const entry of entries) if (!this.rows.has(entry.id)) this.rows.set(entry.id, entry);
  }
}

let journal: MemoryJournal;
let table: MemoryTable;
let lines: LogLine[];
let flusher: AuditFlusher;

function startFlusher(options: Partial<AuditFlusherOptions> = {}): AuditFlusher {
  const capture = createCapturingLogger();
  lines = capture.lines;
  flusher = new AuditFlusher({
    source: journal,
    table,
    logger: capture.logger,
    initialBackoffMs: 100,
    maxBackoffMs: 1_000,
    random: () => 0,
    ...options,
  });
  flusher.start();
  return flusher;
}

function append(count: number): void {
  const from = journal.entries.length;
  for (let n = from; n < from + count; n += 1) journal.entries.push(auditEntry(n));
  flusher.notify();
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  journal = new MemoryJournal();
  table = new MemoryTable();
});
afterEach(async () => {
  await flusher.stop();
  vi.useRealTimers();
});

describe('AuditFlusher', () => {
  it('logs "replayed N rows in M ms" once what an earlier run left is written, counting only those rows', async () => {
    for (let n = 0; n < 7; n += 1) journal.entries.push(auditEntry(n));
    journal.checkpoint = 2; // the crashed run had written 2 of them
    journal.replayEnd = { segment: 1, offset: 7 };
    table.down = true;
    let clock = 1_000;
    startFlusher({ batchSize: 2, now: () => clock });
    append(3); // this run's own messages
    await vi.advanceTimersByTimeAsync(0);
    expect(lines.some((l) => l.message.startsWith('audit journal replayed'))).toBe(false);

    clock = 1_250;
    table.down = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(table.rows.size).toBe(8);
    const replayed = lines.filter((l) => l.message.startsWith('audit journal replayed'));
    expect(replayed).toEqual([
      expect.objectContaining({
        level: 'info',
        message: 'audit journal replayed 5 rows in 250 ms',
        rows: 5,
        duration_ms: 250,
      }),
    ]);
    append(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(lines.filter((l) => l.message.startsWith('audit journal replayed'))).toHaveLength(1);
  });

  it('says nothing of a replay when the earlier run left nothing', async () => {
    journal.replayEnd = { segment: 1, offset: 0 };
    startFlusher();
    append(3);
    await vi.advanceTimersByTimeAsync(0);
    expect(table.rows.size).toBe(3);
    expect(lines.some((l) => l.message.startsWith('audit journal replayed'))).toBe(false);
  });

  it('says once, when it first caught up, how many rows it wrote to get there', async () => {
    for (let n = 0; n < 3; n += 1) journal.entries.push(auditEntry(n));
    startFlusher();
    await vi.advanceTimersByTimeAsync(0);
    append(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(table.rows.size).toBe(5);
    expect(lines.filter((l) => l.message === 'audit journal caught up')).toEqual([
      expect.objectContaining({ level: 'info', entries: 3 }),
    ]);
  });

  it('writes appended entries in batches and moves the checkpoint', async () => {
    startFlusher({ batchSize: 4 });
    append(10);
    await vi.advanceTimersByTimeAsync(0);
    expect(table.rows.size).toBe(10);
    expect(table.attempts).toHaveLength(3);
    expect(journal.checkpoint).toBe(10);
    append(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(table.rows.size).toBe(11);
  });

  it('backs off while the database is down, doubling up to the cap, then catches up', async () => {
    startFlusher();
    table.down = true;
    append(3);
    await vi.advanceTimersByTimeAsync(3_000);
    const waits = table.attempts.slice(1).map((at, i) => at - table.attempts[i]!);
    expect(waits).toEqual([100, 200, 400, 800, 1_000]);
    expect(journal.checkpoint).toBe(0);
    // Appends during an outage do not cut the wait short.
    append(2);
    await vi.advanceTimersByTimeAsync(499);
    expect(table.attempts).toHaveLength(6);

    table.down = false;
    await vi.advanceTimersByTimeAsync(1);
    expect(table.rows.size).toBe(5);
    expect(journal.checkpoint).toBe(5);
    expect(flusher.failures).toBe(0);
    const warnings = lines.filter((l) => l.message.startsWith('audit rows wait in the journal'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      failures: 1,
      reason: expect.stringContaining('ECONNREFUSED'),
    });
    expect(lines).toContainEqual(
      expect.objectContaining({ message: 'audit rows reach the database again', failures: 6 }),
    );

    // The next outage starts again from the shortest wait.
    table.down = true;
    append(1);
    await vi.advanceTimersByTimeAsync(0);
    const start = table.attempts.length;
    await vi.advanceTimersByTimeAsync(100);
    expect(table.attempts.length).toBe(start + 1);
  });

  it('stops at once while waiting out a failure', async () => {
    startFlusher();
    table.down = true;
    append(1);
    await vi.advanceTimersByTimeAsync(0);
    await flusher.stop();
    expect(vi.getTimerCount()).toBe(0);
    expect(journal.checkpoint).toBe(0);
  });

  it('sets aside a row the database keeps refusing, and writes the others', async () => {
    startFlusher({ isolateAfterFailures: 3 });
    append(4);
    table.rows.clear();
    const poison = journal.entries[2]!;
    table.refuse.add(poison.id);
    journal.checkpoint = 0;
    flusher.notify();
    await vi.advanceTimersByTimeAsync(2_000);
    expect([...table.rows.keys()].sort()).toEqual(
      journal.entries
        .filter((e) => e !== poison)
        .map((e) => e.id)
        .sort(),
    );
    expect(journal.quarantined).toEqual([{ entry: poison, reason: 'Error 22001' }]);
    expect(journal.checkpoint).toBe(4);
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'audit row set aside: the database refuses it',
        audit_id: poison.id,
      }),
    );
  });

  it('flush() reports a failure to its caller and leaves the entries', async () => {
    startFlusher();
    await flusher.stop();
    table.down = true;
    journal.entries.push(auditEntry(0));
    await expect(flusher.flush()).rejects.toMatchObject({
      code: 'TOOLHOST_ERR_DATABASE_UNAVAILABLE',
    });
    expect(journal.checkpoint).toBe(0);
    table.down = false;
    await flusher.flush();
    expect(journal.checkpoint).toBe(1);
  });
});
