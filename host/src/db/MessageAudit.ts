import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { ToolErrorCode } from '@toolhost/plugin-sdk';

/** One tool call of an audited message, as `message_audit.tools_called` holds it (JSON). */
export interface AuditedToolCall {
  tool: string;
  outcome: 'success' | 'failure';
  errorCode: ToolErrorCode | null;
  attempts: number;
  durationMs: number;
}

/** A knowledge article a reply used, as `message_audit.selected_sources` holds it (JSON). */
export interface AuditedSource {
  sourceId: string;
  title: string;
  score: number;
}

/**
 * One audit row per processed message: table `message_audit`, created by the migration
 * `Migration20261125000000_message_audit`. Rows are listed by session, newest first, and
 * pruned or searched by time, hence the two indexes.
 */
export const MessageAuditSchema = defineEntity({
  name: 'MessageAudit',
  tableName: 'message_audit',
  properties: {
    id: p.uuid().primary(),
    sessionId: p.text(),
    requestId: p.text(),
    timestamp: p.datetime(),
    messageText: p.text(),
    toolsCalled: p.json<AuditedToolCall[]>(),
    selectedSources: p.json<AuditedSource[]>(),
    escalationTicketId: p.text().nullable(),
    piiRedacted: p.boolean(),
    rawPayloadKey: p.text().nullable(),
    traceId: p.text().nullable(),
  },
  indexes: [
    { name: 'message_audit_session_id_timestamp_idx', properties: ['sessionId', 'timestamp'] },
    { name: 'message_audit_timestamp_idx', properties: ['timestamp'] },
  ],
});

export type MessageAudit = InferEntity<typeof MessageAuditSchema>;
