import { describe, expect, it } from 'vitest';
import type { AuditedMessage } from './AuditedMessage.js';
import { auditPayloadKey, buildAuditEntry, storableText } from './buildAuditEntry.js';

function message(text: string, traceId = 'a'.repeat(32)): AuditedMessage {
  return {
    request: { sessionId: 's-1', requestId: 'r-1', customerId: null, text },
    piiRedacted: false,
    toolsCalled: [],
    selectedSources: [],
    escalationTicketId: null,
    traceId,
    response: { reply: 'ok' },
  };
}

describe('buildAuditEntry', () => {
  it('drops an empty or all-zero trace id and keeps a real one', () => {
    const at = { id: 'id-2', timestamp: new Date() };
    expect(buildAuditEntry(message('x', '0'.repeat(32)), at).entry.traceId).toBeNull();
    expect(buildAuditEntry(message('x', ''), at).entry.traceId).toBeNull();
    expect(buildAuditEntry(message('x'), at).entry.traceId).toBe('a'.repeat(32));
  });

  it('replaces NUL and unpaired surrogates, which PostgreSQL refuses, and keeps emoji', () => {
    expect(storableText('a\u0000b\ud800c\udfffd 😀')).toBe('a\uFFFDb\uFFFDc\uFFFDd 😀');
    const { entry } = buildAuditEntry(message('bad \u0000 text \ud83d'), {
      id: 'id-3',
      timestamp: new Date(),
    });
    expect(entry.messageText).toBe('bad \uFFFD text \uFFFD');
  });

  it('sizes the payload exactly without building it, and builds it as JSON of request and response', () => {
    const at = { id: 'id-5', timestamp: new Date() };
    const response = { reply: 'Rückerstattung in 5 Tagen 😀 "quoted" \\ \n', sources: [1, 2] };
    for (const given of [
      { ...message('Grüße, wo ist mein Paket? 😀'), response },
      { ...message('x'), response, responseJson: JSON.stringify(response) },
    ]) {
      const built = buildAuditEntry(given, at);
      const expected = JSON.stringify({ request: given.request, response });
      expect(built.payload()).toBe(expected);
      expect(built.payloadBytes).toBe(Buffer.byteLength(expected, 'utf8'));
    }
  });

  it('copies nothing when no text needs replacing, and never changes what it was given', () => {
    const at = { id: 'id-6', timestamp: new Date() };
    const clean = { ...message('fine'), toolsCalled: [] };
    expect(buildAuditEntry(clean, at).entry.toolsCalled).toBe(clean.toolsCalled);
    const sources = [{ sourceId: 'doc-1', title: 'bad \u0000 title', score: 1 }];
    const dirty = { ...message('fine'), selectedSources: sources };
    const { entry } = buildAuditEntry(dirty, at);
    expect(entry.selectedSources).toEqual([
      { sourceId: 'doc-1', title: 'bad \uFFFD title', score: 1 },
    ]);
    expect(sources[0]?.title).toBe('bad \u0000 title');
  });

  it('names payload blobs by year, month and id', () => {
    expect(auditPayloadKey('id-4', new Date('2026-02-28T23:59:59Z'))).toBe(
      'audit/2026/02/id-4.json',
    );
  });
});
