import type { JsonObject } from '@toolhost/plugin-sdk';
import { describe, expect, it } from 'vitest';
import { buildAuditEntry } from '../audit/buildAuditEntry.js';
import { redactPii } from '../pii/redactPii.js';
import { toAuditedMessage, type AnsweredMessage } from './toAuditedMessage.js';

const RAW = 'Refund to card 4111 1111 1111 1111 please, mail ann@example.com';

function answered(text = RAW, traceId = 'a'.repeat(32)): AnsweredMessage {
  const redaction = redactPii(text);
  const metadata: JsonObject = { source: 'rag' };
  return {
    request: { sessionId: 's-1', requestId: 'r-1', text, customerId: 'c-9', owner: 'web' },
    redaction,
    invocations: [
      {
        result: { success: true, data: {}, metadata, error: null },
        record: {
          tool: 'rag.search',
          outcome: 'success',
          errorCode: null,
          attempts: 2,
          durationMs: 12.5,
        },
      },
      {
        result: { success: false, data: {}, metadata: {}, error: 'boom', errorCode: 'internal' },
        record: {
          tool: 'escalation.create_ticket',
          outcome: 'failure',
          errorCode: 'internal',
          attempts: 1,
          durationMs: 3,
        },
      },
    ],
    response: {
      reply: 'A person will get back to you.',
      toolMetadata: {},
      sources: [{ sourceId: 'refund-timing', title: 'Refund timing', score: 1.25 }],
      escalation: { ticketId: 'TCK-1', created: true },
      requestId: 'r-1',
      sessionId: 's-1',
    },
    traceId,
  };
}

describe('toAuditedMessage', () => {
  it('keeps the redacted text, each call, the sources and the ticket', () => {
    const timestamp = new Date('2026-03-04T05:06:07.089Z');
    const built = buildAuditEntry(toAuditedMessage(answered()), {
      id: 'id-1',
      timestamp,
    });
    const { entry } = built;
    const payload = built.payload();
    expect(entry).toEqual({
      id: 'id-1',
      sessionId: 's-1',
      requestId: 'r-1',
      timestamp: '2026-03-04T05:06:07.089Z',
      messageText: 'Refund to card [CARD] please, mail [EMAIL]',
      toolsCalled: [
        {
          tool: 'rag.search',
          outcome: 'success',
          errorCode: null,
          attempts: 2,
          durationMs: 12.5,
        },
        {
          tool: 'escalation.create_ticket',
          outcome: 'failure',
          errorCode: 'internal',
          attempts: 1,
          durationMs: 3,
        },
      ],
      selectedSources: [{ sourceId: 'refund-timing', title: 'Refund timing', score: 1.25 }],
      escalationTicketId: 'TCK-1',
      piiRedacted: true,
      rawPayloadKey: null,
      traceId: 'a'.repeat(32),
    });
    expect(JSON.parse(payload)).toEqual({
      request: {
        sessionId: 's-1',
        requestId: 'r-1',
        customerId: 'c-9',
        text: 'Refund to card [CARD] please, mail [EMAIL]',
      },
      response: answered().response,
    });
    expect(payload).not.toContain('4111');
    expect(payload).not.toContain('ann@example.com');
  });

  it('says when nothing was redacted, and drops an all-zero trace id', () => {
    const message = toAuditedMessage(answered('How do refunds work?', '0'.repeat(32)));
    const { entry } = buildAuditEntry(message, { id: 'id-2', timestamp: new Date() });
    expect(entry.piiRedacted).toBe(false);
    expect(entry.messageText).toBe('How do refunds work?');
    expect(entry.traceId).toBeNull();
  });
});
