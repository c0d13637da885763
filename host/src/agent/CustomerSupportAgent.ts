import { createHash, randomUUID } from 'node:crypto';
import { context as otelContext, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import type { ToolResult } from '@toolhost/plugin-sdk';
import type { Logger } from 'winston';
import type { AuditedMessage } from '../audit/AuditedMessage.js';
import type { Invocation, ToolInvoker } from '../invocation/ToolInvoker.js';
import { redactPii } from '../pii/redactPii.js';
import { DEFAULT_IN_FLIGHT_LEASE_MS } from '../session/sessionDefaults.js';
import { sessionIdForTools } from '../session/sessionOwner.js';
import type { SessionContext, SessionPatch, SessionStore } from '../session/SessionStore.js';
import type { IdempotencyClaim } from '../session/SessionTurn.js';
import type {
  AgentResponse,
  EscalationInfo,
  MessageLogFields,
  MessageOutcome,
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

/** How long a failed release is retried in the background: the stores' default in-flight lease. */
const RELEASE_RETRY_MS = DEFAULT_IN_FLIGHT_LEASE_MS;

/** What an Idempotency-Key promises: this session, this text, this customer. */
function fingerprintOf(request: MessageRequest): string {
  return createHash('sha256')
    .update(JSON.stringify([request.sessionId, request.text, request.customerId ?? null]))
    .digest('base64url');
}

/**
 * The support agent (DESIGN section 6): begin the turn (owner and idempotency checked, the
 * session claimed), redact PII, plan, call the tools through the wrapper, compose the reply,
 * audit, then commit the turn: the count, the session's new fields and the answer kept for
 * retries land in one atomic step, so a message that fails leaves no trace in the counters.
 * A failing or missing tool degrades the reply, never the request.
 */
export class CustomerSupportAgent {
  constructor(private readonly deps: CustomerSupportAgentDeps) {}

  processMessage(request: MessageRequest): Promise<MessageOutcome> {
    const span = this.deps.tracer.startSpan('agent.process_message', {
      attributes: { request_id: request.requestId, session_id: request.sessionId },
    });
    return otelContext.with(trace.setSpan(otelContext.active(), span), async () => {
      try {
        const outcome = await this.#begin(request, span.spanContext().traceId);
        span.setAttribute('toolhost.outcome', outcome.status);
        if (outcome.status === 'answered') {
          span.setAttribute('toolhost.escalated', outcome.response.escalation !== null);
        }
        return outcome;
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.setAttribute('error.type', (error as { code?: string }).code ?? 'internal');
        throw error;
      } finally {
        span.end();
      }
    });
  }

  async #begin(request: MessageRequest, traceId: string): Promise<MessageOutcome> {
    const { sessions } = this.deps;
    const { sessionId, owner } = request;
    const claim: IdempotencyClaim | null = request.idempotencyKey
      ? { key: request.idempotencyKey, fingerprint: fingerprintOf(request), token: randomUUID() }
      : null;
    const begun = await sessions.beginTurn(sessionId, { owner, idempotency: claim });
    switch (begun.status) {
      case 'completed':
        return {
          status: 'replayed',
          response: JSON.parse(begun.answer) as AgentResponse,
          body: begun.answer,
        };
      case 'not_owner':
        return { status: 'not_found' };
      case 'in_flight':
      case 'key_reused':
        return { status: begun.status };
      case 'started':
        break;
    }
    try {
      return await this.#turn(request, begun.session, claim, traceId);
    } catch (error) {
      if (claim) await this.#release(request, claim);
      throw error;
    }
  }

  /**
   * Frees a failed turn's key so the client's retry runs again. When the store is what
   * failed, the release is tried again in the background until it lands (the store is back)
   * or the in-flight lease would have lapsed anyway; until then a retry answers 409.
   */
  async #release(request: MessageRequest, claim: IdempotencyClaim): Promise<void> {
    const { sessions, logger } = this.deps;
    const fields = { request_id: request.requestId, session_id: request.sessionId };
    const attempt = () => sessions.releaseTurn(request.owner, claim);
    try {
      await attempt();
      return;
    } catch (error) {
      logger.warn('idempotency record not released yet: retrying', {
        ...fields,
        error: (error as Error).message,
      });
    }
    const deadline = Date.now() + RELEASE_RETRY_MS;
    const retry = (delay: number) => {
      setTimeout(() => {
        attempt().then(
          () => logger.info('idempotency record released', fields),
          () => {
            if (Date.now() + delay < deadline) retry(Math.min(delay * 2, 2_000));
            else logger.warn('idempotency record not released: it lapses with its lease', fields);
          },
        );
      }, delay).unref();
    };
    retry(250);
  }

  async #turn(
    request: MessageRequest,
    started: SessionContext,
    claim: IdempotencyClaim | null,
    traceId: string,
  ): Promise<MessageOutcome> {
    const { sessions, planner, invoker, tools } = this.deps;
    const { sessionId, requestId, owner } = request;
    // Counted at the end, with the rest of the turn; the planner sees the count this turn makes.
    const session = { ...started, messageCount: started.messageCount + 1 };
    const toolSessionId = sessionIdForTools(owner, sessionId);
    const redaction = redactPii(request.text);
    const customerId = request.customerId ?? session.customerId;
    const plan = await planner.plan({
      text: redaction.text,
      customerId,
      session,
      toolSessionId,
      has: (t) => tools.has(t),
    });

    const results = new Map<string, ToolResult>();
    const invocations: Invocation[] = [];
    for (const step of plan.steps) {
      const done = await Promise.all(
        step.map((call) =>
          invoker.invoke(call.tool, call.input, { requestId, sessionId: toolSessionId }),
        ),
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

    const patch: SessionPatch = {
      lastIntent: plan.intent,
      ...(answered || escalation ? { failureCount: 0 } : {}),
      ...(escalation ? { escalated: true, escalationTicketId: escalation.ticketId } : {}),
      ...(request.customerId ? { customerId: request.customerId } : {}),
    };
    // One serialization serves the audit payload, the answer kept for retries and the reply.
    const body = JSON.stringify(response);
    // Audited before the commit: a message whose audit fails is answered 503 and not counted.
    if (this.deps.onProcessed) {
      await this.deps.onProcessed(
        toAuditedMessage({ request, redaction, invocations, response, body, traceId }),
      );
    }
    const committed = await sessions.commitTurn(sessionId, {
      owner,
      patch,
      // Counted, not computed from the snapshot, so concurrent turns never lose a failure.
      failed: !answered && !escalation,
      idempotency: claim ? { ...claim, answer: body } : null,
    });
    // Only when the session expired mid-turn and another key took its id.
    if (committed === null) return { status: 'not_found' };
    const log: MessageLogFields = {
      session_id: sessionId,
      intent: plan.intent,
      escalated: escalation !== null,
      pii_redacted: redaction.redacted,
      tools: invocations.map(({ record }) => ({
        tool: record.tool,
        outcome: record.outcome,
        error_code: record.errorCode,
        attempts: record.attempts,
        duration_ms: record.durationMs,
      })),
    };
    return { status: 'answered', response, body, log };
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
