import type { AuditedMessage } from '../audit/AuditedMessage.js';
import type { Invocation } from '../invocation/ToolInvoker.js';
import type { Redaction } from '../pii/redactPii.js';
import type { AgentResponse, MessageRequest } from './AgentResponse.js';

/** Everything one answered message produced. */
export interface AnsweredMessage {
  request: MessageRequest;
  redaction: Redaction;
  invocations: readonly Invocation[];
  response: AgentResponse;
  /** `response` as JSON, as it was sent. */
  body?: string;
  traceId: string;
}

/**
 * What the audit trail keeps of an answered message: the redacted text (never the raw
 * one), each call's record (never its arguments or result), the sources and the ticket.
 */
export function toAuditedMessage(answered: AnsweredMessage): AuditedMessage {
  const { request, redaction, response } = answered;
  return {
    request: {
      sessionId: request.sessionId,
      requestId: request.requestId,
      customerId: request.customerId ?? null,
      text: redaction.text,
    },
    piiRedacted: redaction.redacted,
    toolsCalled: answered.invocations.map(({ record }) => ({
      tool: record.tool,
      outcome: record.outcome,
      errorCode: record.errorCode,
      attempts: record.attempts,
      durationMs: record.durationMs,
    })),
    selectedSources: response.sources.map(({ sourceId, title, score }) => ({
      sourceId,
      title,
      score,
    })),
    escalationTicketId: response.escalation?.ticketId ?? null,
    traceId: answered.traceId,
    response,
    ...(answered.body === undefined ? {} : { responseJson: answered.body }),
  };
}
