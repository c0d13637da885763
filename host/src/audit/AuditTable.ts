import type { SqlOrm } from '../db/Database.js';
import { createSqlRunner } from '../db/createSqlRunner.js';
import { MessageAuditSchema, type MessageAudit } from '../db/MessageAudit.js';
import { withDatabase } from '../db/withDatabase.js';
import type { AuditEntry } from './AuditEntry.js';

/** The `message_audit` table. */
export interface AuditTable {
  /**
   * Inserts the entries in one statement; an entry whose id is there already is skipped, so
   * replaying a journal is idempotent.
   * @throws HostError `TOOLHOST_ERR_DATABASE_UNAVAILABLE` when the database cannot be reached.
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

const SQLITE_INSERT =
  'insert into "message_audit" ("id", "session_id", "request_id", "timestamp", "message_text", ' +
  '"tools_called", "selected_sources", "escalation_ticket_id", "pii_redacted", "raw_payload_key", ' +
  '"trace_id") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict ("id") do nothing';

/** One row as SQLite holds it (what the ORM would write: ms timestamps, 0/1, JSON text). */
function sqliteParams(entry: AuditEntry): unknown[] {
  return [
    entry.id,
    entry.sessionId,
    entry.requestId,
    Date.parse(entry.timestamp),
    entry.messageText,
    JSON.stringify(entry.toolsCalled),
    JSON.stringify(entry.selectedSources),
    entry.escalationTicketId,
    entry.piiRedacted ? 1 : 0,
    entry.rawPayloadKey,
    entry.traceId,
  ];
}

export function createAuditTable(orm: SqlOrm): AuditTable {
  const sql = createSqlRunner(orm);
  return {
    insert: (entries) =>
      withDatabase(orm, async () => {
        if (entries.length === 0) return;
        if (sql.sqlite) {
          // The message path's one write: a prepared statement, not the query builder, all
          // rows issued at once so they share one group commit (see SqliteCommitGroup).
          const rows = await Promise.allSettled(
            entries.map((entry) => sql.run(SQLITE_INSERT, sqliteParams(entry))),
          );
          const failed = rows.find((row) => row.status === 'rejected');
          if (failed) throw failed.reason;
          return;
        }
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
