import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { Source } from '../agent/AgentResponse.js';
import type { ToolCallRecord } from '../invocation/ToolInvoker.js';

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
    toolsCalled: p.json<ToolCallRecord[]>(),
    selectedSources: p.json<Source[]>(),
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
