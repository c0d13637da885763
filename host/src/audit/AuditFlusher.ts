import type { Logger } from 'winston';
import { isHostError } from '../errors.js';
import { GrowingJitterBackoff } from '../invocation/GrowingJitterBackoff.js';
import type { AuditEntry } from './AuditEntry.js';
import type { AuditTable } from './AuditTable.js';
import type { JournalPosition, JournalSource } from './JournalSource.js';

export interface AuditFlusherOptions {
  source: JournalSource;
  table: Pick<AuditTable, 'insert'>;
  logger: Logger;
  /** Most rows one insert carries (default 500). */
  batchSize?: number;
  /** Waits after failed writes grow from this (default 100 ms) … */
  initialBackoffMs?: number;
  /** … up to this (default 5 s), with jitter. */
  maxBackoffMs?: number;
  /** Failures in a row, other than an unreachable database, before rows are tried one by one. */
  isolateAfterFailures?: number;
  random?: () => number;
  /** Milliseconds for the replay line (default `performance.now`). */
  now?: () => number;
}

interface Replay {
  until: JournalPosition;
  rows: number;
  startedAt: number;
}

const isUnavailable = (error: unknown) =>
  isHostError(error) && error.code === 'TOOLHOST_ERR_DATABASE_UNAVAILABLE';

function reasonOf(error: unknown): string {
  if (isHostError(error)) return error.message;
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return code === undefined ? error.name : `${error.name} ${String(code)}`;
}

/**
 * Moves journaled audit entries into the database in the background: batches of
 * `insert … on conflict (id) do nothing`, the checkpoint moved after each, and waits that
 * grow while the database refuses them. Woken by `notify()` when entries were appended.
 */
export class AuditFlusher {
  readonly #options: AuditFlusherOptions;
  readonly #batchSize: number;
  #chain: Promise<unknown> = Promise.resolve();
  #loop: Promise<void> | null = null;
  #stopped = false;
  #dirty = false;
  #wake: (() => void) | null = null;
  #cancelSleep: (() => void) | null = null;
  #failures = 0;
  #otherFailures = 0;
  #caughtUp = false;
  /** Set while entries an earlier run left in the journal are still to be written. */
  #replay: Replay | null;

  constructor(options: AuditFlusherOptions) {
    this.#options = options;
    this.#batchSize = options.batchSize ?? 500;
    const until = options.source.replayEnd;
    this.#replay =
      until === undefined
        ? null
        : { until, rows: 0, startedAt: (options.now ?? (() => performance.now()))() };
  }

  /** Failed writes in a row (0 once one succeeds). */
  get failures(): number {
    return this.#failures;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Entries were appended: write them soon (unless waiting out a failure). */
  notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    if (wake) wake();
    else this.#dirty = true;
  }

  /**
   * Writes batches until the journal is empty.
   * @throws the first write error (the entries stay in the journal).
   */
  flush(): Promise<void> {
    const pass = this.#chain.then(() => this.#drain());
    this.#chain = pass.catch(() => undefined);
    return pass;
  }

  /** Ends the background loop after the batch under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelSleep?.();
    this.notify();
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      this.#dirty = false;
      try {
        await this.flush();
      } catch (error) {
        this.#logFailure(error);
        await this.#sleep(this.#backoffMs());
        continue;
      }
      await this.#idle();
    }
  }

  async #drain(): Promise<void> {
    const { source, logger } = this.#options;
    let written = 0;
    for (;;) {
      let count: number;
      const replay = this.#replay;
      try {
        const batch = await source.read(this.#batchSize, replay?.until);
        await this.#insert(batch.entries);
        // Should this fail, the rows are written again later, which the database ignores.
        await source.acknowledge(batch.end);
        count = batch.entries.length;
      } catch (error) {
        this.#failures += 1;
        if (!isUnavailable(error)) this.#otherFailures += 1;
        throw error;
      }
      if (this.#failures > 0) {
        logger.info('audit rows reach the database again', { failures: this.#failures });
      }
      this.#failures = 0;
      this.#otherFailures = 0;
      written += count;
      if (replay !== null) {
        replay.rows += count;
        if (count < this.#batchSize) {
          this.#endReplay(replay);
          continue;
        }
      } else if (count < this.#batchSize) {
        break;
      }
    }
    if (!this.#caughtUp) {
      // Once per run, when the database first holds everything the journal does: after a
      // crash or an outage, this says the rows a previous run left behind are in.
      this.#caughtUp = true;
      logger.info('audit journal caught up', { entries: written });
    }
  }

  /** What an earlier run left is in the database: say so, with how many and how long it took. */
  #endReplay(replay: Replay): void {
    this.#replay = null;
    if (replay.rows === 0) return;
    const ms = Math.round((this.#options.now ?? (() => performance.now()))() - replay.startedAt);
    this.#options.logger.info(`audit journal replayed ${replay.rows} rows in ${ms} ms`, {
      rows: replay.rows,
      duration_ms: ms,
    });
  }

  async #insert(entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const { table, source, logger } = this.#options;
    if (this.#otherFailures < (this.#options.isolateAfterFailures ?? 3)) {
      await table.insert(entries);
      return;
    }
    // The same batch keeps failing for a reason other than an unreachable database: find
    // the rows the database refuses and set them aside, so they stop holding back the rest.
    for (const entry of entries) {
      try {
        await table.insert([entry]);
      } catch (error) {
        if (isUnavailable(error)) throw error;
        await source.quarantine(entry, reasonOf(error));
        logger.error('audit row set aside: the database refuses it', {
          audit_id: entry.id,
          request_id: entry.requestId,
          session_id: entry.sessionId,
          reason: reasonOf(error),
        });
      }
    }
  }

  #backoffMs(): number {
    const { initialBackoffMs = 100, maxBackoffMs = 5_000, random = Math.random } = this.#options;
    return new GrowingJitterBackoff(initialBackoffMs, maxBackoffMs, random, this.#failures)
      .duration;
  }

  #logFailure(error: unknown): void {
    // Once when an outage starts, then every 10th retry: an outage must not flood the log.
    if (this.#failures !== 1 && this.#failures % 10 !== 0) return;
    this.#options.logger.warn('audit rows wait in the journal: writing them failed', {
      failures: this.#failures,
      reason: reasonOf(error),
    });
  }

  #idle(): Promise<void> {
    if (this.#dirty || this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  #sleep(ms: number): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#cancelSleep = () => {
        this.#cancelSleep = null;
        done();
      };
    });
  }
}
