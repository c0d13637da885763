import { randomUUID } from 'node:crypto';
import type { AuditEntry } from '../AuditEntry.js';

/** An audit entry for tests; `n` makes its request and session ids distinct. */
export function auditEntry(n: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: randomUUID(),
    sessionId: `s-${n % 3}`,
    requestId: `r-${n}`,
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, n)).toISOString(),
    messageText: `message ${n} with [EMAIL]`,
    toolsCalled: [
      { tool: 'rag.search', outcome: 'success', errorCode: null, attempts: 1, durationMs: 1.5 },
    ],
    selectedSources: [{ sourceId: 'doc-1', title: 'Refunds', score: 0.9 }],
    escalationTicketId: null,
    piiRedacted: true,
    rawPayloadKey: null,
    traceId: null,
    ...overrides,
  };
}
