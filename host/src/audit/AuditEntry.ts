import type { AuditedSource, AuditedToolCall } from '../db/MessageAudit.js';

/**
 * One processed message as the audit trail keeps it: a journal line, the JSON of
 * `GET /v1/sessions/:sessionId/audit`, and (with `timestamp` as a Date) a `message_audit` row.
 * Nothing in it is raw customer text: `messageText` is the redacted message.
 */
export interface AuditEntry {
  id: string;
  sessionId: string;
  requestId: string;
  /** ISO 8601, UTC. */
  timestamp: string;
  messageText: string;
  toolsCalled: AuditedToolCall[];
  selectedSources: AuditedSource[];
  escalationTicketId: string | null;
  piiRedacted: boolean;
  /** Blob store key of the full request/response payload when it was too large to keep inline. */
  rawPayloadKey: string | null;
  traceId: string | null;
}
