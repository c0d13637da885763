import type { SqlOrm } from '../db/Database.js';
import { withDatabase } from '../db/withDatabase.js';
import type { AuditEntry } from './AuditEntry.js';
import { MessageAuditSchema, type MessageAudit } from './MessageAudit.js';

/** The `message_audit` table. */
export interface AuditTable {
  /**
   * Inserts the entries in one statement; an entry whose id is there already is skipped, so
   * replaying a journal is idempotent.
   * @throws ToolhostError `TOOLHOST_ERR_DATABASE_UNAVAILABLE` when the database cannot be reached.
   */
  insert(entries: readonly AuditEntry[]): Promise<void>;
  /** A session's entries, newest first. */
  listBySession(sessionId: string, limit: number): Promise<AuditEntry[]>;
}

function toRow(entry: AuditEntry): MessageAudit {
  return { ...entry, timestamp: new Date(entry.timestamp) };
}

function toEntry(row: MessageAudit): AuditEntry {
  return {
    id: row.id,
    sessionId: row.sessionId,
    requestId: row.requestId,
    timestamp: row.timestamp.toISOString(),
    messageText: row.messageText,
    toolsCalled: row.toolsCalled,
    selectedSources: row.selectedSources,
    escalationTicketId: row.escalationTicketId ?? null,
    piiRedacted: row.piiRedacted,
    rawPayloadKey: row.rawPayloadKey ?? null,
    traceId: row.traceId ?? null,
  };
}

export function createAuditTable(orm: SqlOrm): AuditTable {
  return {
    insert: (entries) =>
      withDatabase(orm, async () => {
        if (entries.length === 0) return;
        await orm.em
          .fork()
          .qb(MessageAuditSchema)
          .insert(entries.map(toRow))
          .onConflict('id')
          .ignore()
          .execute('run');
      }),
    listBySession: (sessionId, limit) =>
      withDatabase(orm, async () => {
        const rows = await orm.em
          .fork()
          .find(
            MessageAuditSchema,
            { sessionId },
            { orderBy: { timestamp: 'desc', id: 'desc' }, limit, disableIdentityMap: true },
          );
        return rows.map(toEntry);
      }),
  };
}
