import type { AuditedMessage } from './AuditedMessage.js';
import type { AuditEntry } from './AuditEntry.js';

/** The host's audit trail (DESIGN section 9): one entry per processed message. */
export interface AuditTrail {
  readonly mode: 'sync' | 'async';
  /**
   * Records an answered message; resolves once its entry is durable (committed in sync mode,
   * journaled in async mode). A payload over the inline limit goes to the blob store first.
   * @throws HostError `TOOLHOST_ERR_AUDIT_FAILED` when it could not be made durable.
   */
  record(message: AuditedMessage): Promise<AuditEntry>;
  /** A session's entries in the database, newest first (at most `limit`, default and max 100). */
  list(sessionId: string, limit?: number): Promise<AuditEntry[]>;
  /** The payload stored under an entry's `rawPayloadKey`, parsed; null when there is none. */
  readPayload(key: string): Promise<unknown>;
  /** Writes what waits for the database now (async mode; sync mode has nothing waiting). */
  flush(): Promise<void>;
  /** Flushes what it can and releases the journal. */
  close(): Promise<void>;
}

/** The full payload kept in the blob store: the redacted request and the response. */
export interface AuditPayload {
  request: AuditedMessage['request'];
  response: AuditedMessage['response'];
}
