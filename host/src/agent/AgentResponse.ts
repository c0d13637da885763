import type { JsonObject, ToolErrorCode } from '@toolhost/plugin-sdk';

export interface MessageRequest {
  sessionId: string;
  text: string;
  customerId?: string;
  requestId: string;
  /** The name of the API key that sends it (ANONYMOUS_OWNER in protected mode): the session's owner. */
  owner: string;
  /** The client's Idempotency-Key (or its repeated X-Request-Id): a retry gets the first answer. */
  idempotencyKey?: string | null;
}

/** What one tool contributed to a reply (its ToolResult.metadata and how the call went). */
export interface ToolOutcome {
  outcome: 'success' | 'failure';
  errorCode: ToolErrorCode | null;
  attempts: number;
  durationMs: number;
  metadata: JsonObject;
}

export interface Source {
  sourceId: string;
  title: string;
  score: number;
}

export interface EscalationInfo {
  ticketId: string;
  /** False when the session had been escalated already, or a retry found the ticket. */
  created: boolean;
}

export interface AgentResponse {
  reply: string;
  toolMetadata: Record<string, ToolOutcome>;
  sources: Source[];
  escalation: EscalationInfo | null;
  requestId: string;
  sessionId: string;
}

/** What the one info log line of an answered message carries besides the request's own fields. */
export type MessageLogFields = {
  session_id: string;
  intent: string;
  escalated: boolean;
  pii_redacted: boolean;
  /** Each call's outcome: never its arguments or result. */
  tools: Array<{
    tool: string;
    outcome: 'success' | 'failure';
    error_code: ToolErrorCode | null;
    attempts: number;
    duration_ms: number;
  }>;
};

/** How a message was handled. */
export type MessageOutcome =
  /** It ran: counted, tools called, audited. `body` is `response` as JSON, built once. */
  | { status: 'answered'; response: AgentResponse; body: string; log: MessageLogFields }
  /** Its Idempotency-Key was answered before: the stored answer, nothing ran or counted. */
  | { status: 'replayed'; response: AgentResponse; body: string }
  /** The session belongs to another owner (told apart from a missing one by nobody). */
  | { status: 'not_found' }
  /** A message with the same Idempotency-Key is being answered right now. */
  | { status: 'in_flight' }
  /** The Idempotency-Key was used for a different message. */
  | { status: 'key_reused' };
