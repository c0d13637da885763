import type { AuditedSource, AuditedToolCall } from '../db/MessageAudit.js';

/**
 * What the audit trail records of one answered message (DESIGN section 9). The agent builds
 * it from its answer; nothing in it is raw customer text.
 */
export interface AuditedMessage {
  request: {
    sessionId: string;
    requestId: string;
    customerId: string | null;
    /** The message with PII replaced by markers (`[EMAIL]`, `[CARD]`, …). */
    text: string;
  };
  /** Whether redaction replaced anything. */
  piiRedacted: boolean;
  toolsCalled: AuditedToolCall[];
  selectedSources: AuditedSource[];
  escalationTicketId: string | null;
  /** The message's OpenTelemetry trace id; empty or all zeros when it was not traced. */
  traceId: string;
  /** The answer as it was sent; kept whole in the payload. */
  response: object;
  /** `JSON.stringify(response)` when the caller has it already (the agent sends exactly that). */
  responseJson?: string;
}
