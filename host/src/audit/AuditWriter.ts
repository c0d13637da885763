import type { AuditEntry } from './AuditEntry.js';

/** How audit entries reach the database (`AUDIT_WRITE_MODE`). */
export interface AuditWriter {
  /**
   * Resolves once the entry is durable: committed to the database (sync) or fsynced to the
   * local journal (async).
   * @throws HostError `TOOLHOST_ERR_AUDIT_FAILED` when it could not be made durable.
   */
  write(entry: AuditEntry): Promise<void>;
  /** Writes whatever waits for the database now, as far as the database lets it. */
  flush(): Promise<void>;
  /** Stops taking entries, flushes what it can, and releases files. Idempotent. */
  close(): Promise<void>;
}
