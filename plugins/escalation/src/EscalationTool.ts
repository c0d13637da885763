import {
  BaseTool,
  fail,
  isToolError,
  ok,
  ToolError,
  type CallContext,
  type PluginContext,
  type ToolResult,
  KeyedMutex,
} from '@toolhost/plugin-sdk';
import { ticketKey, toTicket, webhookPayload, type Priority, type Ticket } from './Ticket.js';
import { ticketIdCandidates } from './ticketIdCandidates.js';

export type CreateTicketInput = {
  reason: string;
  priority?: Priority;
  summary?: string;
  customerId?: string;
  /** One ticket per key (e.g. per session), whichever request asks first. */
  dedupeKey?: string;
};
export type GetTicketInput = { ticketId: string };

/** What happened to the webhook of a ticket, reported as `metadata.webhook`. */
export type WebhookOutcome = 'delivered' | 'skipped' | 'failed';

/**
 * Support tickets in the plugin store, one per request id: a retry of the same request
 * finds its ticket instead of opening a second one, and only re-sends a webhook that
 * has not been delivered yet.
 */
export class EscalationTool extends BaseTool {
  readonly #requests = new KeyedMutex();
  readonly #webhookUrl: string | null;
  readonly #now: () => Date;

  constructor(ctx: PluginContext, now: () => Date = () => new Date()) {
    super(ctx);
    const url = ctx.config['webhookUrl'];
    this.#webhookUrl = typeof url === 'string' && url !== '' ? url : null;
    this.#now = now;
  }

  async create_ticket(input: CreateTicketInput, call: CallContext): Promise<ToolResult> {
    const key = input.dedupeKey === undefined ? call.requestId : `dedupe:${input.dedupeKey}`;
    return this.#requests.run(key, async () => {
      const { ticketId, existing } = await this.#slotFor(key);
      let ticket = existing;
      if (ticket === null) {
        ticket = {
          ticketId,
          requestId: call.requestId,
          idempotencyKey: key,
          sessionId: call.sessionId,
          reason: input.reason,
          priority: input.priority ?? 'normal',
          summary: input.summary ?? null,
          customerId: input.customerId ?? null,
          status: 'open',
          createdAt: this.#now().toISOString(),
          webhookDelivered: false,
        };
        await this.ctx.store.put(ticketKey(ticketId), ticket);
        call.logger.info('escalation ticket created', {
          ticket_id: ticketId,
          priority: ticket.priority,
        });
      }
      const webhook: WebhookOutcome = await this.#notify(ticket, call);
      return ok(
        { ticketId, status: ticket.status, priority: ticket.priority, created: existing === null },
        { source: 'escalation', webhook },
      );
    });
  }

  async get_ticket(input: GetTicketInput): Promise<ToolResult> {
    const ticketId = input.ticketId.trim().toUpperCase();
    const ticket = toTicket(await this.ctx.store.get(ticketKey(ticketId)));
    if (ticket === null) return fail(`ticket ${ticketId} not found`, 'not_found');
    return ok(ticket, { source: 'escalation' });
  }

  /** The id this request's ticket has (or gets), with the ticket when it exists already. */
  async #slotFor(key: string): Promise<{ ticketId: string; existing: Ticket | null }> {
    for (const ticketId of ticketIdCandidates(key)) {
      const stored = await this.ctx.store.get(ticketKey(ticketId));
      if (stored === null) return { ticketId, existing: null };
      const ticket = toTicket(stored);
      if (ticket?.idempotencyKey === key) return { ticketId, existing: ticket };
    }
    throw new ToolError('internal', 'every ticket id of this request is taken by another request');
  }

  /**
   * Posts the ticket to the configured webhook unless it was delivered before.
   * @throws ToolError `upstream_error` for a non-2xx answer or a network error (the host
   * retries, and the retry lands here again with the same ticket), or the `timeout` /
   * `permission_denied` of the http capability.
   */
  async #notify(ticket: Ticket, call: CallContext): Promise<'delivered' | 'skipped'> {
    if (ticket.webhookDelivered) return 'delivered';
    if (this.#webhookUrl === null) return 'skipped';
    let status: number;
    try {
      ({ status } = await this.ctx.http.fetch(this.#webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': ticket.ticketId },
        body: JSON.stringify(webhookPayload(ticket)),
        signal: call.signal,
      }));
    } catch (error) {
      const code = isToolError(error) ? error.toolErrorCode : 'upstream_error';
      // The webhook URL may carry a token in its path, so it is never logged.
      call.logger.warn('escalation webhook failed', {
        ticket_id: ticket.ticketId,
        error_code: code,
      });
      if (isToolError(error)) throw error;
      throw new ToolError(
        'upstream_error',
        `escalation webhook failed for ticket ${ticket.ticketId}`,
        {
          cause: error,
        },
      );
    }
    if (status < 200 || status >= 300) {
      call.logger.warn('escalation webhook failed', { ticket_id: ticket.ticketId, status });
      throw new ToolError(
        'upstream_error',
        `escalation webhook answered ${status} for ticket ${ticket.ticketId}; the ticket is stored`,
      );
    }
    await this.ctx.store.put(ticketKey(ticket.ticketId), { ...ticket, webhookDelivered: true });
    return 'delivered';
  }
}
