import type { JsonObject, ToolErrorCode } from '@toolhost/plugin-sdk';

export interface MessageRequest {
  sessionId: string;
  text: string;
  customerId?: string;
  requestId: string;
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
