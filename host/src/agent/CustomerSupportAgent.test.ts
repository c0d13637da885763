import { trace } from '@opentelemetry/api';
import { ok } from '@toolhost/plugin-sdk';
import { describe, expect, it } from 'vitest';
import { createCapturingLogger } from '../../../test/support/capturingLogger.js';
import { invokerFixture, testTool } from '../invocation/testing/invokerFixture.js';
import { InMemorySessionStore } from '../session/InMemorySessionStore.js';
import { ANONYMOUS_OWNER } from '../session/sessionOwner.js';
import { CustomerSupportAgent } from './CustomerSupportAgent.js';
import type { Plan, Planner } from './Planner.js';

/** A planner that answers later, as one asking a model would. */
function slowPlanner(answer: () => Promise<Plan>): Planner {
  return { plan: () => new Promise((resolve) => setImmediate(resolve)).then(answer) };
}

function agentWith(planner: Planner) {
  const fx = invokerFixture();
  fx.add(
    testTool('rag.search', () =>
      ok({ results: [{ sourceId: 'r-1', title: 'Refunds', score: 1, snippet: 'Five days.' }] }),
    ),
  );
  return new CustomerSupportAgent({
    invoker: fx.invoker,
    tools: { has: (name) => fx.tools.has(name) },
    sessions: new InMemorySessionStore({ ttlSeconds: 60 }),
    planner,
    tracer: trace.getTracer('test'),
    logger: createCapturingLogger().logger,
  });
}

const request = {
  sessionId: 's-1',
  requestId: 'r-1',
  text: 'How long do refunds take?',
  owner: ANONYMOUS_OWNER,
};

async function answered(agent: CustomerSupportAgent) {
  const outcome = await agent.processMessage(request);
  if (outcome.status !== 'answered') throw new Error(`the message was ${outcome.status}`);
  return outcome.response;
}

describe('CustomerSupportAgent with an asynchronous planner', () => {
  it('runs the plan it answers with', async () => {
    const agent = agentWith(
      slowPlanner(async () => ({
        intent: 'knowledge',
        steps: [[{ tool: 'rag.search', input: { query: 'refunds' } }]],
      })),
    );
    const response = await answered(agent);
    expect(response.reply).toBe('Refunds: Five days.');
    expect(Object.keys(response.toolMetadata)).toEqual(['rag.search']);
  });

  it('fails the message when the planner rejects', async () => {
    const agent = agentWith(
      slowPlanner(() => Promise.reject(new Error('the model did not answer'))),
    );
    await expect(agent.processMessage(request)).rejects.toThrow('the model did not answer');
  });
});
