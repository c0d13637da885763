import type { AuditEntry } from './AuditEntry.js';
import { auditFailed } from './auditFailed.js';
import type { AuditTable } from './AuditTable.js';
import type { AuditWriter } from './AuditWriter.js';

interface Waiting {
  entry: AuditEntry;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface SyncAuditWriterOptions {
  /** Most entries one insert carries (default 500). */
  maxBatch?: number;
  /** How long `close()` waits for inserts under way (default 5 s). */
  closeTimeoutMs?: number;
}

const notWritten = (entry: AuditEntry) =>
  `the audit row of request '${entry.requestId}' was not written`;

/**
 * `AUDIT_WRITE_MODE=sync`: each write resolves once its row is committed. Writes that arrive
 * while an insert runs share the next one, so concurrent messages cost one statement and one
 * commit between them instead of one each.
 */
export function createSyncAuditWriter(
  table: AuditTable,
  options: SyncAuditWriterOptions = {},
): AuditWriter {
  const maxBatch = options.maxBatch ?? 500;
  const waiting: Waiting[] = [];
  let running = false;
  let idle: Promise<void> = Promise.resolve();
  let closed = false;

  async function drain(): Promise<void> {
    try {
      while (waiting.length > 0) {
        const batch = waiting.splice(0, maxBatch);
        try {
          await table.insert(batch.map((w) => w.entry));
          for (const w of batch) w.resolve();
        } catch (error) {
          for (const w of batch) w.reject(auditFailed(notWritten(w.entry), error));
        }
      }
    } finally {
      running = false;
    }
  }

  return {
    write(entry) {
      if (closed) {
        return Promise.reject(auditFailed(notWritten(entry), 'the audit writer is closed'));
      }
      const written = new Promise<void>((resolve, reject) => {
        waiting.push({ entry, resolve, reject });
      });
      if (!running) {
        running = true;
        idle = drain();
      }
      return written;
    },
    flush: () => idle,
    async close() {
      closed = true;
      // A database that stopped answering must not hold up the host's shutdown.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, options.closeTimeoutMs ?? 5_000);
      });
      await Promise.race([idle, timeout]);
      clearTimeout(timer);
    },
  };
}
