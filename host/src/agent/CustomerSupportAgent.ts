import { context as otelContext, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { ToolResult } from '@toolhost/plugin-sdk';
import type { Logger } from 'winston';
import type { AuditedMessage } from '../audit/AuditedMessage.js';
import type { Invocation, ToolInvoker } from '../invocation/ToolInvoker.js';
import { redactPii } from '../pii/redactPii.js';
import type { SessionContext, SessionStore } from '../session/SessionStore.js';
import type {
  AgentResponse,
  EscalationInfo,
  MessageRequest,
  ToolOutcome,
} from './AgentResponse.js';
import { composeReply, ragHits } from './composeReply.js';
import type { Plan, Planner } from './Planner.js';
import { toAuditedMessage } from './toAuditedMessage.js';

export interface CustomerSupportAgentDeps {
  invoker: ToolInvoker;
  tools: { has(name: string): boolean };
  sessions: SessionStore;
  planner: Planner;
  tracer: Tracer;
  logger: Logger;
  /** Called with the message's audit record before the response is returned; a rejection fails the request. */
  onProcessed?: (message: AuditedMessage) => Promise<void>;
}

const ANSWER_TOOLS = new Set(['rag.search', 'crm.lookup_customer']);

/**
 * The support agent (DESIGN section 6): count the message, redact PII, plan, call the
 * tools through the wrapper, compose the reply, update the session, audit.
 * A failing or missing tool degrades the reply, never the request.
 */
export class CustomerSupportAgent {
  constructor(private readonly deps: CustomerSupportAgentDeps) {}

  processMessage(request: MessageRequest): Promise<AgentResponse> {
    const span = this.deps.tracer.startSpan('agent.process_message', {
      attributes: { request_id: request.requestId, session_id: request.sessionId },
    });
    return otelContext.with(trace.setSpan(otelContext.active(), span), async () => {
      try {
        const response = await this.#process(request, span.spanContext().traceId);
        span.setAttribute('toolhost.escalated', response.escalation !== null);
        return response;
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.setAttribute('error.type', (error as { code?: string }).code ?? 'internal');
        throw error;
      } finally {
        span.end();
      }
    });
  }

  async #process(request: MessageRequest, traceId: string): Promise<AgentResponse> {
    const { sessions, planner, invoker, tools } = this.deps;
    const { sessionId, requestId } = request;
    const session = await sessions.increment(sessionId, 'messageCount', 1);
    const redaction = redactPii(request.text);
    const customerId = request.customerId ?? session.customerId;
    const plan = await planner.plan({
      text: redaction.text,
      customerId,
      session,
      has: (t) => tools.has(t),
    });

    const results = new Map<string, ToolResult>();
    const invocations: Invocation[] = [];
    for (const step of plan.steps) {
      const done = await Promise.all(
        step.map((call) => invoker.invoke(call.tool, call.input, { requestId, sessionId })),
      );
      for (const invocation of done) {
        invocations.push(invocation);
        results.set(invocation.record.tool, invocation.result);
      }
    }

    const escalation = this.#escalation(plan, session, results.get('escalation.create_ticket'));
    const degraded = invocations.some((i) => ANSWER_TOOLS.has(i.record.tool) && !i.result.success);
    const hits = ragHits(results.get('rag.search'));
    const answered = hits.length > 0 || results.get('crm.lookup_customer')?.success === true;
    const response: AgentResponse = {
      reply: composeReply({ results, escalation, degraded }),
      toolMetadata: Object.fromEntries(invocations.map((i) => [i.record.tool, this.#outcome(i)])),
      sources: hits.map(({ sourceId, title, score }) => ({
        sourceId,
        title,
        score,
      })),
      escalation,
      requestId,
      sessionId,
    };

    await sessions.update(
      sessionId,
      {
        lastIntent: plan.intent,
        ...(answered || escalation ? { failureCount: 0 } : {}),
        ...(escalation ? { escalated: true, escalationTicketId: escalation.ticketId } : {}),
        ...(request.customerId ? { customerId: request.customerId } : {}),
      },
      { atomic: true },
    );
    // Counted, not computed from the snapshot, so concurrent turns never lose a failure.
    if (!answered && !escalation) await sessions.increment(sessionId, 'failureCount', 1);
    if (this.deps.onProcessed) {
      await this.deps.onProcessed(
        toAuditedMessage({ request, redaction, invocations, response, traceId }),
      );
    }
    this.deps.logger.info('message processed', {
      request_id: requestId,
      session_id: sessionId,
      intent: plan.intent,
      tools: invocations.length,
      escalated: escalation !== null,
      pii_redacted: redaction.redacted,
    });
    return response;
  }

  #escalation(
    plan: Plan,
    session: SessionContext,
    ticket: ToolResult | undefined,
  ): EscalationInfo | null {
    if (ticket?.success) {
      const data = ticket.data as { ticketId?: unknown; created?: unknown };
      if (typeof data.ticketId === 'string')
        return { ticketId: data.ticketId, created: data.created !== false };
    }
    const asked = plan.intent === 'human' || plan.intent === 'angry';
    if (asked && session.escalated && session.escalationTicketId) {
      return { ticketId: session.escalationTicketId, created: false };
    }
    return null;
  }

  #outcome({ result, record }: Invocation): ToolOutcome {
    return {
      outcome: record.outcome,
      errorCode: record.errorCode,
      attempts: record.attempts,
      durationMs: record.durationMs,
      metadata: result.metadata,
    };
  }
}
