import { detectIntent } from './detectIntent.js';
import type { Plan, PlanInput, PlannedCall, Planner } from './Planner.js';

/** After this many turns in a row that found no answer, the next one escalates. */
export const FAILED_TURNS_BEFORE_ESCALATION = 2;

/**
 * The default planner, deterministic and documented in the README:
 * 1. the knowledge lookups run together: `rag.search` for every question, plus
 *    `crm.lookup_customer` for account questions when a customer id is known and that tool
 *    is registered. No `memory.recall`: the reply these rules compose never reads the
 *    session's notes, so recalling them would be work nobody uses (a model-driven planner
 *    that puts notes in its prompt plans it).
 * 2. `escalation.create_ticket` when the customer asks for a person, is angry, or the
 *    previous turns failed repeatedly, unless the session is escalated already.
 * 3. `memory.remember` of the (redacted) message.
 * Tools that are not registered are left out, so a disabled plugin degrades the reply.
 */
export class RulePlanner implements Planner {
  async plan(input: PlanInput): Promise<Plan> {
    const { text, customerId, session, toolSessionId, has } = input;
    const intent = detectIntent(text);
    const lookups: PlannedCall[] = [];
    if (has('rag.search'))
      lookups.push({ tool: 'rag.search', input: { query: text.slice(0, 500) } });
    if (intent === 'account' && customerId && has('crm.lookup_customer')) {
      lookups.push({ tool: 'crm.lookup_customer', input: { customerId } });
    }
    const steps: PlannedCall[][] = [lookups];

    const repeatedFailure = session.failureCount >= FAILED_TURNS_BEFORE_ESCALATION;
    const wantsEscalation = intent === 'human' || intent === 'angry' || repeatedFailure;
    if (wantsEscalation && !session.escalated && has('escalation.create_ticket')) {
      const reason =
        intent === 'human'
          ? 'customer asked for a person'
          : intent === 'angry'
            ? 'customer is upset'
            : `no answer found ${session.failureCount} times in a row`;
      steps.push([
        {
          tool: 'escalation.create_ticket',
          input: {
            reason,
            priority: intent === 'angry' ? 'high' : 'normal',
            summary: text.slice(0, 2000),
            // One ticket per session, even when two messages ask at the same moment.
            dedupeKey: `session:${toolSessionId}`,
            ...(customerId ? { customerId } : {}),
          },
        },
      ]);
    }
    if (has('memory.remember')) {
      steps.push([
        { tool: 'memory.remember', input: { note: text.slice(0, 2000), kind: 'summary' } },
      ]);
    }
    return { intent, steps: steps.filter((step) => step.length > 0) };
  }
}
