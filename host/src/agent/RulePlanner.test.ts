import { describe, expect, it } from 'vitest';
import type { SessionContext } from '../session/SessionStore.js';
import { detectIntent } from './detectIntent.js';
import { RulePlanner } from './RulePlanner.js';

const session = (patch: Partial<SessionContext> = {}): SessionContext => ({
  sessionId: 's',
  messageCount: 1,
  failureCount: 0,
  escalated: false,
  escalationTicketId: null,
  customerId: null,
  lastIntent: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...patch,
});

const everything = () => true;
const planner = new RulePlanner();
const toolsOf = (steps: Array<Array<{ tool: string }>>) =>
  steps.map((step) => step.map((c) => c.tool));

describe('detectIntent', () => {
  it.each([
    ['Can I talk to a human?', 'human'],
    ['please escalate this', 'human'],
    ['This is ridiculous', 'angry'],
    ['WHERE IS MY REFUND ALREADY', 'angry'],
    ['it broke again!!', 'angry'],
    ['What is the status of my order?', 'account'],
    ['where is my package', 'account'],
    ['How do I reset a password?', 'knowledge'],
    ['mail [EMAIL], [EMAIL] or call [PHONE]', 'knowledge'],
  ])('%s → %s', (text, intent) => {
    expect(detectIntent(text)).toBe(intent);
  });
});

describe('RulePlanner', () => {
  it('a knowledge question: search, then remember; no recall, since the reply never reads notes', async () => {
    const plan = await planner.plan({
      text: 'How do refunds work?',
      customerId: null,
      session: session(),
      toolSessionId: 's',
      has: everything,
    });
    expect(plan.intent).toBe('knowledge');
    expect(toolsOf(plan.steps)).toEqual([['rag.search'], ['memory.remember']]);
    expect(plan.steps[0]?.[0]?.input).toEqual({ query: 'How do refunds work?' });
  });

  it('an account question with a known customer adds the CRM lookup, only when registered', async () => {
    const input = {
      text: 'What is my account status?',
      customerId: 'C-1',
      session: session(),
      toolSessionId: 's',
    };
    expect(toolsOf((await planner.plan({ ...input, has: everything })).steps)[0]).toEqual([
      'rag.search',
      'crm.lookup_customer',
    ]);
    const withoutCrm = await planner.plan({ ...input, has: (t) => t !== 'crm.lookup_customer' });
    expect(toolsOf(withoutCrm.steps)[0]).toEqual(['rag.search']);
    const anonymous = await planner.plan({ ...input, customerId: null, has: everything });
    expect(toolsOf(anonymous.steps)[0]).not.toContain('crm.lookup_customer');
  });

  it('escalates on request, on anger, and after repeated failures — once per session', async () => {
    const human = await planner.plan({
      text: 'talk to a human',
      customerId: 'C-9',
      session: session(),
      toolSessionId: 's',
      has: everything,
    });
    expect(toolsOf(human.steps)[1]).toEqual(['escalation.create_ticket']);
    expect(human.steps[1]?.[0]?.input).toMatchObject({
      reason: 'customer asked for a person',
      priority: 'normal',
      customerId: 'C-9',
    });

    const angry = await planner.plan({
      text: 'this is unacceptable',
      customerId: null,
      session: session(),
      toolSessionId: 's',
      has: everything,
    });
    expect(angry.steps[1]?.[0]?.input).toMatchObject({ priority: 'high' });

    const failing = await planner.plan({
      text: 'hmm',
      customerId: null,
      session: session({ failureCount: 2 }),
      toolSessionId: 's',
      has: everything,
    });
    expect(toolsOf(failing.steps)[1]).toEqual(['escalation.create_ticket']);

    const already = await planner.plan({
      text: 'talk to a human',
      customerId: null,
      session: session({ escalated: true }),
      toolSessionId: 's',
      has: everything,
    });
    expect(toolsOf(already.steps).flat()).not.toContain('escalation.create_ticket');
  });

  it('plans nothing for tools that are not registered', async () => {
    expect(
      (
        await planner.plan({
          text: 'talk to a human',
          customerId: null,
          session: session(),
          toolSessionId: 's',
          has: () => false,
        })
      ).steps,
    ).toEqual([]);
  });

  it('keys the ticket dedupe by the session as tools see it, so two keys never share a ticket', async () => {
    const plan = await planner.plan({
      text: 'talk to a human',
      customerId: null,
      session: session(),
      toolSessionId: 'web/s',
      has: everything,
    });
    expect(plan.steps[1]?.[0]?.input).toMatchObject({ dedupeKey: 'session:web/s' });
  });
});
