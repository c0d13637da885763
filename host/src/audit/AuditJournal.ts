import {
  appendFile,
  mkdir,
  open,
  readdir,
  readFile,
  rm,
  stat,
  type FileHandle,
} from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from 'winston';
import type { AuditEntry } from './AuditEntry.js';
import { acquireJournalLock, releaseJournalLock } from './journalLock.js';
import { isAuditEntry } from './isAuditEntry.js';
import {
  comparePositions,
  type JournalBatch,
  type JournalPosition,
  type JournalSource,
} from './JournalSource.js';
import { syncDirectory } from './syncDirectory.js';
import { writeFileDurably } from './writeFileDurably.js';

export interface AuditJournalOptions {
  /** A new segment file starts once the current one holds this many bytes (default 8 MiB). */
  segmentMaxBytes?: number;
  /** Most appends one write and fsync carry (default 1000). */
  maxGroup?: number;
  /** Called each time appended entries became durable (wakes the flusher). */
  onAppend?: () => void;
  logger?: Logger;
}

interface Waiting {
  line: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

const SEGMENT_FILE = /^segment-(\d{12})\.ndjson$/;
const CHECKPOINT_FILE = 'checkpoint.json';
const REJECTED_FILE = 'rejected.ndjson';
const NEWLINE = 0x0a;
const FIRST_CHUNK_BYTES = 1 << 20;

const segmentName = (segment: number) => `segment-${String(segment).padStart(12, '0')}.ndjson`;

function isPosition(value: unknown): value is JournalPosition {
  const { segment, offset } = (value ?? {}) as Record<string, unknown>;
  return (
    Number.isSafeInteger(segment) &&
    Number.isSafeInteger(offset) &&
    (segment as number) >= 0 &&
    (offset as number) >= 0
  );
}

async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await handle.write(data, written, data.length - written);
    written += bytesWritten;
  }
}

/**
 * The durable local journal of `AUDIT_WRITE_MODE=async` (one folder, one process at a time):
 * entries are appended as JSON lines to numbered segment files, and an append resolves only
 * once its line is fsynced. Appends that arrive while a write is under way are grouped into
 * the next single write and fsync. `checkpoint.json` (replaced atomically) records how far
 * the database has everything; whatever lies after it is read again after a restart.
 * Each run appends to a fresh segment, so a line torn by a crash is always the last of its
 * file, and is skipped.
 */
export class AuditJournal implements JournalSource {
  readonly dir: string;
  /** How many appends, and how many write+fsync groups carried them, since opening. */
  readonly stats = { appends: 0, writes: 0 };
  readonly replayEnd: JournalPosition;
  readonly #options: AuditJournalOptions;
  readonly #segmentMaxBytes: number;
  #segments: number[];
  #current: number;
  #handle: FileHandle;
  #durableOffset = 0;
  #checkpoint: JournalPosition;
  #waiting: Waiting[] = [];
  #writing = false;
  #idle: Promise<void> = Promise.resolve();
  #broken: unknown = null;
  #sealed = false;
  #closed = false;

  private constructor(
    dir: string,
    segments: number[],
    handle: FileHandle,
    checkpoint: JournalPosition,
    options: AuditJournalOptions,
  ) {
    this.dir = dir;
    this.#segments = segments;
    this.#current = segments.at(-1) ?? 0;
    this.replayEnd = { segment: this.#current, offset: 0 };
    this.#handle = handle;
    this.#checkpoint = checkpoint;
    this.#options = options;
    this.#segmentMaxBytes = options.segmentMaxBytes ?? 8 * 1024 * 1024;
  }

  /**
   * Opens (creating) the journal in `dir` and starts a new segment for this run's appends.
   * @throws HostError `TOOLHOST_ERR_AUDIT_FAILED` when another live process holds it.
   */
  static async open(dir: string, options: AuditJournalOptions = {}): Promise<AuditJournal> {
    const absolute = resolve(dir);
    await mkdir(absolute, { recursive: true });
    await acquireJournalLock(absolute);
    try {
      const segments = (await readdir(absolute))
        .map((name) => SEGMENT_FILE.exec(name)?.[1])
        .filter((digits): digits is string => digits !== undefined)
        .map(Number)
        .sort((a, b) => a - b);
      const checkpoint = await readCheckpoint(absolute, options.logger);
      const next = Math.max(segments.at(-1) ?? 0, checkpoint.segment) + 1;
      const handle = await open(join(absolute, segmentName(next)), 'wx');
      await syncDirectory(absolute);
      return new AuditJournal(absolute, [...segments, next], handle, checkpoint, options);
    } catch (error) {
      await releaseJournalLock(absolute);
      throw error;
    }
  }

  /** Where the database has everything before; entries after it are still to be written. */
  get checkpoint(): JournalPosition {
    return { ...this.#checkpoint };
  }

  /** Appends one entry; resolves once it is on disk (fsynced). */
  append(entry: AuditEntry): Promise<void> {
    if (this.#sealed) return Promise.reject(new Error(`the audit journal ${this.dir} is closed`));
    const line = `${JSON.stringify(entry)}\n`;
    const appended = new Promise<void>((resolve, reject) => {
      this.#waiting.push({ line, resolve, reject });
    });
    if (!this.#writing) {
      this.#writing = true;
      this.#idle = this.#drain();
    }
    return appended;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#waiting.length > 0) {
        const group = this.#waiting.splice(0, this.#options.maxGroup ?? 1000);
        try {
          if (this.#broken !== null) await this.#rotate();
          const data = Buffer.from(group.map((w) => w.line).join(''), 'utf8');
          try {
            await writeAll(this.#handle, data);
            await this.#handle.datasync();
          } catch (error) {
            // The segment may now end in part of this group: append nothing more to it.
            this.#broken = error;
            throw error;
          }
          this.#durableOffset += data.length;
          this.stats.appends += group.length;
          this.stats.writes += 1;
          for (const w of group) w.resolve();
          this.#options.onAppend?.();
          if (this.#durableOffset >= this.#segmentMaxBytes) {
            await this.#rotate().catch((error: unknown) => {
              this.#options.logger?.warn('audit journal could not start a new segment', {
                error_message: (error as Error).message,
              });
            });
          }
        } catch (error) {
          for (const w of group) w.reject(error);
        }
      }
    } finally {
      this.#writing = false;
    }
  }

  async #rotate(): Promise<void> {
    const next = this.#current + 1;
    const handle = await open(join(this.dir, segmentName(next)), 'wx');
    await syncDirectory(this.dir);
    const previous = this.#handle;
    this.#handle = handle;
    this.#current = next;
    this.#segments.push(next);
    this.#durableOffset = 0;
    this.#broken = null;
    await previous.close().catch(() => undefined);
  }

  async read(max: number, until?: JournalPosition): Promise<JournalBatch> {
    const entries: AuditEntry[] = [];
    let position = { ...this.#checkpoint };
    let chunkBytes = FIRST_CHUNK_BYTES;
    while (entries.length < max) {
      const segment = this.#segments.find((s) => s >= position.segment);
      if (segment === undefined) break;
      if (segment !== position.segment) position = { segment, offset: 0 };
      if (until !== undefined && comparePositions(position, until) >= 0) break;
      const isCurrent = segment === this.#current;
      const limit = isCurrent ? this.#durableOffset : await this.#sizeOf(segment);
      if (position.offset >= limit) {
        if (isCurrent) break;
        position = { segment: segment + 1, offset: 0 };
        continue;
      }
      const length = Math.min(limit - position.offset, chunkBytes);
      const chunk = await this.#readRange(segment, position.offset, length);
      let consumed = 0;
      while (entries.length < max) {
        const end = chunk.indexOf(NEWLINE, consumed);
        if (end < 0) break;
        const entry = this.#parse(
          chunk.subarray(consumed, end),
          segment,
          position.offset + consumed,
        );
        if (entry) entries.push(entry);
        consumed = end + 1;
      }
      if (consumed > 0) {
        position = { segment, offset: position.offset + consumed };
        chunkBytes = FIRST_CHUNK_BYTES;
      } else if (chunk.length < length || length === limit - position.offset) {
        // No complete line in the rest of this segment.
        if (isCurrent) break;
        if (chunk.length > 0) {
          // A finished segment ending in an unterminated line: a write torn by a crash.
          this.#options.logger?.warn('audit journal skipped a torn line', {
            segment: segmentName(segment),
            offset: position.offset,
            bytes: chunk.length,
          });
        }
        position = { segment: segment + 1, offset: 0 };
      } else {
        chunkBytes *= 2;
      }
    }
    return { entries, end: position };
  }

  #parse(line: Buffer, segment: number, offset: number): AuditEntry | null {
    try {
      const value: unknown = JSON.parse(line.toString('utf8'));
      if (isAuditEntry(value)) return value;
    } catch {
      // Reported below.
    }
    this.#options.logger?.error('audit journal skipped a corrupt line', {
      segment: segmentName(segment),
      offset,
      bytes: line.length,
    });
    return null;
  }

  async #sizeOf(segment: number): Promise<number> {
    try {
      return (await stat(join(this.dir, segmentName(segment)))).size;
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return 0;
      throw error;
    }
  }

  async #readRange(segment: number, offset: number, length: number): Promise<Buffer> {
    const handle = await open(join(this.dir, segmentName(segment)), 'r');
    try {
      const buffer = Buffer.alloc(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    } finally {
      await handle.close();
    }
  }

  async acknowledge(end: JournalPosition): Promise<void> {
    if (comparePositions(end, this.#checkpoint) <= 0) return;
    await writeFileDurably(join(this.dir, CHECKPOINT_FILE), JSON.stringify(end));
    this.#checkpoint = { ...end };
    const done = this.#segments.filter((s) => s < end.segment && s !== this.#current);
    for (const segment of done) await rm(join(this.dir, segmentName(segment)), { force: true });
    this.#segments = this.#segments.filter((s) => !done.includes(s));
  }

  async quarantine(entry: AuditEntry, reason: string): Promise<void> {
    const file = join(this.dir, REJECTED_FILE);
    await appendFile(file, `${JSON.stringify({ reason, entry })}\n`);
    const handle = await open(file, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Refuses further appends and waits for those under way; reading goes on. */
  async seal(): Promise<void> {
    this.#sealed = true;
    await this.#idle;
  }

  /** Seals, then releases the files. Entries not acknowledged stay for the next open. */
  async close(): Promise<void> {
    await this.seal();
    if (this.#closed) return;
    this.#closed = true;
    await this.#handle.close().catch(() => undefined);
    await releaseJournalLock(this.dir);
  }
}

async function readCheckpoint(dir: string, logger: Logger | undefined): Promise<JournalPosition> {
  let text: string;
  try {
    text = await readFile(join(dir, CHECKPOINT_FILE), 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return { segment: 0, offset: 0 };
    throw error;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (isPosition(value)) return { segment: value.segment, offset: value.offset };
  } catch {
    // Reported below.
  }
  // Replaying from the start is safe: rows are inserted idempotently by id.
  logger?.warn('audit journal checkpoint is unreadable; replaying every segment', { dir });
  return { segment: 0, offset: 0 };
}
