import { trace } from '@opentelemetry/api';
import { ok, type CallContext } from '@toolhost/plugin-sdk';
import { describe, expect, it, vi } from 'vitest';
import { createCapturingLogger } from '../../../test/support/capturingLogger.js';
import type { AuditedMessage } from '../audit/AuditedMessage.js';
import { HostError } from '../errors.js';
import { invokerFixture, testTool } from '../invocation/testing/invokerFixture.js';
import { InMemorySessionStore } from '../session/InMemorySessionStore.js';
import type { MessageRequest } from './AgentResponse.js';
import { CustomerSupportAgent } from './CustomerSupportAgent.js';
import type { PlanInput, Planner } from './Planner.js';

/** An agent over one tool that counts its calls, an audit hook that can fail, and a planner that can be held. */
function setup() {
  const fx = invokerFixture();
  const calls: CallContext[] = [];
  fx.add(
    testTool('rag.search', (_input, call) => {
      calls.push(call);
      return ok({
        results: [{ sourceId: 'r-1', title: 'Refunds', score: 1, snippet: 'Five days.' }],
      });
    }),
  );
  const audited: AuditedMessage[] = [];
  const seen: PlanInput[] = [];
  let hold: Promise<void> | null = null;
  let auditFails = false;
  const planner: Planner = {
    async plan(input) {
      seen.push(input);
      await hold;
      return {
        intent: 'knowledge',
        steps: [[{ tool: 'rag.search', input: { query: 'refunds' } }]],
      };
    },
  };
  const sessions = new InMemorySessionStore({ ttlSeconds: 600 });
  const agent = new CustomerSupportAgent({
    invoker: fx.invoker,
    tools: { has: (name) => fx.tools.has(name) },
    sessions,
    planner,
    tracer: trace.getTracer('test'),
    logger: createCapturingLogger().logger,
    onProcessed: async (message) => {
      if (auditFails) throw new HostError('TOOLHOST_ERR_AUDIT_FAILED', { details: 'db down' });
      audited.push(message);
    },
  });
  return {
    agent,
    sessions,
    calls,
    audited,
    seen,
    hold(until: Promise<void> | null) {
      hold = until;
    },
    failAudit(fails: boolean) {
      auditFails = fails;
    },
  };
}

const message = (more: Partial<MessageRequest> = {}): MessageRequest => ({
  sessionId: 's-1',
  text: 'How long do refunds take?',
  requestId: `r-${Math.random().toString(36).slice(2)}`,
  owner: 'web',
  ...more,
});

describe('CustomerSupportAgent: each message counted, audited and run once', () => {
  it('a retry with the same Idempotency-Key gets the stored answer; nothing runs or counts again', async () => {
    const t = setup();
    const first = await t.agent.processMessage(
      message({ requestId: 'r-first', idempotencyKey: 'K' }),
    );
    expect(first.status).toBe('answered');
    const retry = await t.agent.processMessage(
      message({ requestId: 'r-retry', idempotencyKey: 'K' }),
    );
    expect(retry).toEqual({
      status: 'replayed',
      response: first.status === 'answered' ? first.response : null,
      body: first.status === 'answered' ? first.body : null,
    });
    expect(retry.status === 'replayed' && retry.response.requestId).toBe('r-first');
    expect(t.calls).toHaveLength(1);
    expect(t.audited).toHaveLength(1);
    expect(await t.sessions.get('s-1')).toMatchObject({ messageCount: 1 });
  });

  it('the planner sees the count this turn makes, which lands only when the turn commits', async () => {
    const t = setup();
    await t.agent.processMessage(message());
    await t.agent.processMessage(message());
    expect(t.seen.map((input) => input.session.messageCount)).toEqual([1, 2]);
    expect(t.seen[0]?.toolSessionId).toBe('web/s-1');
    expect(t.calls[0]?.sessionId).toBe('web/s-1');
    expect(await t.sessions.get('s-1')).toMatchObject({ messageCount: 2 });
  });

  it('a message whose audit fails counts nothing, and its retry runs again', async () => {
    const t = setup();
    await t.agent.processMessage(message());
    t.failAudit(true);
    await expect(t.agent.processMessage(message({ idempotencyKey: 'K2' }))).rejects.toThrow(
      'The audit trail failed',
    );
    expect(await t.sessions.get('s-1')).toMatchObject({ messageCount: 1, lastIntent: 'knowledge' });
    t.failAudit(false);
    expect((await t.agent.processMessage(message({ idempotencyKey: 'K2' }))).status).toBe(
      'answered',
    );
    expect(await t.sessions.get('s-1')).toMatchObject({ messageCount: 2 });
    expect(t.audited).toHaveLength(2);
  });

  it('a retry while the first is running is refused as in flight', async () => {
    const t = setup();
    let release = () => {};
    t.hold(new Promise<void>((resolve) => (release = resolve)));
    const first = t.agent.processMessage(message({ idempotencyKey: 'K3' }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(await t.agent.processMessage(message({ idempotencyKey: 'K3' }))).toEqual({
      status: 'in_flight',
    });
    release();
    expect((await first).status).toBe('answered');
    expect(t.calls).toHaveLength(1);
  });

  it("refuses a key used for another message, and another key's session, running nothing", async () => {
    const t = setup();
    await t.agent.processMessage(message({ idempotencyKey: 'K4' }));
    expect(
      await t.agent.processMessage(message({ idempotencyKey: 'K4', text: 'Something else?' })),
    ).toEqual({ status: 'key_reused' });
    expect(
      await t.agent.processMessage(message({ idempotencyKey: 'K4', sessionId: 's-2' })),
    ).toEqual({ status: 'key_reused' });
    expect(await t.agent.processMessage(message({ owner: 'intruder' }))).toEqual({
      status: 'not_found',
    });
    expect(t.calls).toHaveLength(1);
    expect(await t.sessions.get('s-1')).toMatchObject({ messageCount: 1 });
    expect(await t.sessions.get('s-2')).toBeNull();
  });

  it('a key the store could not release (it was away) is released in the background once it is back', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    try {
      const t = setup();
      const release = t.sessions.releaseTurn.bind(t.sessions);
      let away = 2;
      t.sessions.releaseTurn = async (owner, claim) => {
        if (away > 0) {
          away--;
          throw new Error('Connection is closed.');
        }
        return release(owner, claim);
      };
      t.failAudit(true);
      await expect(t.agent.processMessage(message({ idempotencyKey: 'K5' }))).rejects.toThrow();
      t.failAudit(false);
      expect((await t.agent.processMessage(message({ idempotencyKey: 'K5' }))).status).toBe(
        'in_flight',
      );
      await vi.advanceTimersByTimeAsync(250);
      expect(away).toBe(0);
      expect((await t.agent.processMessage(message({ idempotencyKey: 'K5' }))).status).toBe(
        'in_flight',
      );
      await vi.advanceTimersByTimeAsync(500);
      expect((await t.agent.processMessage(message({ idempotencyKey: 'K5' }))).status).toBe(
        'answered',
      );
      expect(await t.sessions.get('s-1')).toMatchObject({ messageCount: 1 });
    } finally {
      vi.useRealTimers();
    }
  });
});
