import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCapturingLogger } from '../../../test/support/capturingLogger.js';
import { openDatabase } from '../db/openDatabase.js';
import type { AuditEntry } from './AuditEntry.js';
import { createAuditTable } from './AuditTable.js';
import { AuditFlusher } from './AuditFlusher.js';
import { AuditJournal, type AuditJournalOptions } from './AuditJournal.js';
import { auditEntry } from './testing/auditEntry.js';

let dir: string;
const open: AuditJournal[] = [];

async function openJournal(options: AuditJournalOptions = {}): Promise<AuditJournal> {
  const journal = await AuditJournal.open(dir, options);
  open.push(journal);
  return journal;
}

async function segments(): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith('segment-')).sort();
}

const ids = (entries: readonly AuditEntry[]) => entries.map((e) => e.requestId);

beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'toolhost-journal-')), 'audit-journal');
});
afterEach(async () => {
  for (const journal of open.splice(0)) await journal.close();
  await rm(join(dir, '..'), { recursive: true, force: true });
});

describe('AuditJournal', () => {
  it('groups concurrent appends into one write and fsync', async () => {
    let woken = 0;
    const journal = await openJournal({ onAppend: () => (woken += 1) });
    const entries = Array.from({ length: 100 }, (_, n) => auditEntry(n));
    await Promise.all(entries.map((entry) => journal.append(entry)));
    // The first append goes alone; the 99 that arrived while it was written share the next one.
    expect(journal.stats).toEqual({ appends: 100, writes: 2 });
    expect(woken).toBe(2);
    const batch = await journal.read(1000);
    expect(batch.entries).toEqual(entries);
    await journal.append(auditEntry(100));
    expect(journal.stats).toEqual({ appends: 101, writes: 3 });
  });

  it('reads in batches from the checkpoint, which acknowledge moves and persists', async () => {
    const journal = await openJournal();
    const entries = Array.from({ length: 10 }, (_, n) => auditEntry(n));
    for (const entry of entries) await journal.append(entry);
    const first = await journal.read(4);
    expect(ids(first.entries)).toEqual(ids(entries.slice(0, 4)));
    expect(ids((await journal.read(4)).entries)).toEqual(ids(entries.slice(0, 4)));
    await journal.acknowledge(first.end);
    expect(journal.checkpoint).toEqual(first.end);
    expect(JSON.parse(await readFile(join(dir, 'checkpoint.json'), 'utf8'))).toEqual(first.end);
    await journal.acknowledge({ segment: 0, offset: 0 });
    expect(journal.checkpoint).toEqual(first.end);
    expect(ids((await journal.read(100)).entries)).toEqual(ids(entries.slice(4)));

    await journal.close();
    const reopened = await openJournal();
    expect(reopened.checkpoint).toEqual(first.end);
    expect(ids((await reopened.read(100)).entries)).toEqual(ids(entries.slice(4)));
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('replays what a crashed run left, after the entries of this run are appended', async () => {
    const crashed = await openJournal();
    const before = Array.from({ length: 5 }, (_, n) => auditEntry(n));
    for (const entry of before) await crashed.append(entry);
    // A crash: nothing was flushed; the process just stops (close releases only the lock).
    await crashed.close();

    const journal = await openJournal();
    const after = [auditEntry(5), auditEntry(6)];
    for (const entry of after) await journal.append(entry);
    expect(ids((await journal.read(100)).entries)).toEqual(ids([...before, ...after]));
    expect(await segments()).toHaveLength(2);
    // replayEnd parts what the crashed run left from this run's entries.
    const replayed = await journal.read(100, journal.replayEnd);
    expect(ids(replayed.entries)).toEqual(ids(before));
    expect(ids((await journal.read(3, journal.replayEnd)).entries)).toEqual(
      ids(before.slice(0, 3)),
    );
    await journal.acknowledge(replayed.end);
    expect((await journal.read(100, journal.replayEnd)).entries).toEqual([]);
    expect(ids((await journal.read(100)).entries)).toEqual(ids(after));
  });

  it('skips a line torn by a crash and never appends after it', async () => {
    const { logger, lines } = createCapturingLogger();
    const crashed = await openJournal();
    const entries = [auditEntry(0), auditEntry(1), auditEntry(2)];
    for (const entry of entries) await crashed.append(entry);
    await crashed.close();
    const [segment] = await segments();
    const torn = JSON.stringify(auditEntry(3)).slice(0, 40);
    await appendFile(join(dir, segment!), torn);

    const journal = await openJournal({ logger });
    await journal.append(auditEntry(4));
    const batch = await journal.read(100);
    expect(ids(batch.entries)).toEqual(['r-0', 'r-1', 'r-2', 'r-4']);
    expect(lines).toContainEqual(
      expect.objectContaining({ message: 'audit journal skipped a torn line', bytes: 40 }),
    );
    // Acknowledging everything deletes the finished segment, torn tail and all.
    await journal.acknowledge(batch.end);
    expect(await segments()).toHaveLength(1);
    expect((await journal.read(100)).entries).toEqual([]);
  });

  it('skips a corrupt line and goes on with the next', async () => {
    const { logger, lines } = createCapturingLogger();
    const crashed = await openJournal();
    await crashed.append(auditEntry(0));
    await crashed.close();
    const [segment] = await segments();
    await appendFile(join(dir, segment!), '{"id":"not an entry"}\n\u0000\u0000garbage\n');
    await appendFile(join(dir, segment!), `${JSON.stringify(auditEntry(1))}\n`);

    const journal = await openJournal({ logger });
    expect(ids((await journal.read(100)).entries)).toEqual(['r-0', 'r-1']);
    expect(lines.filter((l) => l.message === 'audit journal skipped a corrupt line')).toHaveLength(
      2,
    );
  });

  it('starts new segments as they fill and deletes those wholly acknowledged', async () => {
    const journal = await openJournal({ segmentMaxBytes: 2_000 });
    const entries = Array.from({ length: 20 }, (_, n) => auditEntry(n));
    for (const entry of entries) await journal.append(entry);
    expect((await segments()).length).toBeGreaterThan(3);
    const partial = await journal.read(7);
    await journal.acknowledge(partial.end);
    const rest = await journal.read(100);
    expect(ids(rest.entries)).toEqual(ids(entries.slice(7)));
    await journal.acknowledge(rest.end);
    expect(await segments()).toHaveLength(1);
    expect((await journal.read(100)).entries).toEqual([]);
  });

  it('treats an unreadable checkpoint as "replay everything"', async () => {
    const crashed = await openJournal();
    await crashed.append(auditEntry(0));
    await crashed.close();
    await writeFile(join(dir, 'checkpoint.json'), '{"segm');
    const journal = await openJournal();
    expect(ids((await journal.read(100)).entries)).toEqual(['r-0']);
  });

  it('replays idempotently: rows written before a crash are not written twice', async () => {
    const database = await openDatabase('sqlite::memory:');
    const table = createAuditTable(database.orm);
    const { logger } = createCapturingLogger();
    try {
      const crashed = await openJournal();
      const entries = Array.from({ length: 6 }, (_, n) => auditEntry(n * 3));
      for (const entry of entries) await crashed.append(entry);
      // Crash after the insert committed but before the checkpoint moved.
      await table.insert((await crashed.read(4)).entries);
      await crashed.close();

      const journal = await openJournal();
      const flusher = new AuditFlusher({ source: journal, table, logger });
      await flusher.flush();
      expect(ids(await table.listBySession('s-0', 100))).toEqual(ids(entries).reverse());
      await flusher.flush();
      expect(await table.listBySession('s-0', 100)).toHaveLength(6);
      expect((await journal.read(100)).entries).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('refuses a journal this process or another live one holds, and takes over a dead one', async () => {
    await openJournal();
    await expect(AuditJournal.open(dir)).rejects.toMatchObject({
      code: 'TOOLHOST_ERR_AUDIT_FAILED',
      message: expect.stringContaining('this process has it open already'),
    });
    for (const journal of open.splice(0)) await journal.close();

    await writeFile(join(dir, 'journal.lock'), String(process.ppid));
    await expect(AuditJournal.open(dir)).rejects.toMatchObject({
      code: 'TOOLHOST_ERR_AUDIT_FAILED',
      message: expect.stringContaining(`process ${process.ppid} holds`),
    });

    const child = spawn(process.execPath, ['-e', '']);
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
    await writeFile(join(dir, 'journal.lock'), String(child.pid));
    await openJournal();
    expect(await readFile(join(dir, 'journal.lock'), 'utf8')).toBe(String(process.pid));
  });

  it('refuses appends once closed', async () => {
    const journal = await openJournal();
    await journal.close();
    await expect(journal.append(auditEntry(0))).rejects.toThrow(/is closed/);
  });
});
