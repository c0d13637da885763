import { describe, expect, it } from 'vitest';
import { fail, ok, type ToolResult } from '@toolhost/plugin-sdk';
import { composeReply } from './composeReply.js';

const rag = ok({
  results: [
    {
      sourceId: 'refunds',
      title: 'Refund timing',
      score: 3.2,
      snippet: 'Refunds reach your card in 5-10 days.',
    },
    { sourceId: 'returns', title: 'Returns', score: 1.1, snippet: 'Return within 30 days.' },
  ],
});

const results = (entries: Record<string, ToolResult>) => new Map(Object.entries(entries));

describe('composeReply', () => {
  it('answers from the best source and lists the others', () => {
    expect(
      composeReply({ results: results({ 'rag.search': rag }), escalation: null, degraded: false }),
    ).toBe('Refund timing: Refunds reach your card in 5-10 days.\n\nSee also: Returns.');
  });

  it('describes the account from the CRM profile', () => {
    const crm = ok({
      name: 'Ann',
      plan: 'pro',
      accountStatus: 'active',
      openOrders: [{ id: 'O-1', status: 'shipped', total: 10 }],
    });
    expect(
      composeReply({
        results: results({ 'crm.lookup_customer': crm }),
        escalation: null,
        degraded: false,
      }),
    ).toBe('Your account (Ann, pro plan) is active. You have 1 open order: #O-1 (shipped).');
  });

  it('names a new ticket, or the existing one', () => {
    expect(
      composeReply({
        results: results({}),
        escalation: { ticketId: 'TCK-1', created: true },
        degraded: false,
      }),
    ).toContain('your ticket is TCK-1');
    expect(
      composeReply({
        results: results({}),
        escalation: { ticketId: 'TCK-1', created: false },
        degraded: false,
      }),
    ).toContain('already with our support team (ticket TCK-1)');
  });

  it('says when it found nothing, and when systems failed', () => {
    const reply = composeReply({
      results: results({ 'rag.search': fail('down', 'upstream_error') }),
      escalation: null,
      degraded: true,
    });
    expect(reply).toContain("I couldn't find an answer");
    expect(reply).toContain('Some of our systems are not answering right now');
  });
});
