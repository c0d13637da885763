import type { Logger } from 'winston';
import { auditFailed } from './auditFailed.js';
import { AuditFlusher, type AuditFlusherOptions } from './AuditFlusher.js';
import { AuditJournal, type AuditJournalOptions } from './AuditJournal.js';
import type { AuditTable } from './AuditTable.js';
import type { AuditWriter } from './AuditWriter.js';

export interface JournalAuditWriterOptions {
  /** The journal folder, `<dataDir>/audit-journal` in the host. */
  dir: string;
  table: Pick<AuditTable, 'insert'>;
  logger: Logger;
  /** How long `close()` tries to write what is left before leaving it for the next start (default 5 s). */
  closeTimeoutMs?: number;
  journal?: Omit<AuditJournalOptions, 'onAppend' | 'logger'>;
  flusher?: Omit<AuditFlusherOptions, 'source' | 'table' | 'logger'>;
}

export interface JournalAuditWriter extends AuditWriter {
  readonly journal: AuditJournal;
  readonly flusher: AuditFlusher;
}

/**
 * `AUDIT_WRITE_MODE=async`: a write resolves once the entry is fsynced to the local journal;
 * a background flusher moves entries into the database. Entries a crash or an outage left
 * behind are written after the next start (idempotently, by id).
 * @throws HostError `TOOLHOST_ERR_AUDIT_FAILED` when the journal is held by another process.
 */
export async function createJournalAuditWriter(
  options: JournalAuditWriterOptions,
): Promise<JournalAuditWriter> {
  const { logger, table } = options;
  let flusher: AuditFlusher | null = null;
  const journal = await AuditJournal.open(options.dir, {
    ...options.journal,
    logger,
    onAppend: () => flusher?.notify(),
  });
  const started = new AuditFlusher({ ...options.flusher, source: journal, table, logger });
  flusher = started;
  started.start();
  let closing: Promise<void> | null = null;

  /** Stops the background loop and writes what is left, for at most `closeTimeoutMs`. */
  async function finish(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.closeTimeoutMs ?? 5_000);
    });
    const done = (async () => {
      await started.stop();
      await started.flush();
      return 'done' as const;
    })();
    try {
      if ((await Promise.race([done, timeout])) === 'timeout') {
        logger.warn('audit rows stay in the journal: the database did not answer in time', {
          dir: journal.dir,
        });
      }
    } catch (error) {
      logger.warn('audit rows stay in the journal until the next start', {
        dir: journal.dir,
        reason: (error as Error).message,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    journal,
    flusher: started,
    write: (entry) =>
      journal.append(entry).catch((error: unknown) => {
        throw auditFailed(
          `the audit entry of request '${entry.requestId}' was not journaled`,
          error,
        );
      }),
    flush: () => started.flush(),
    close: () =>
      (closing ??= (async () => {
        await journal.seal();
        await finish();
        await journal.close();
      })()),
  };
}
