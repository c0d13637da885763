export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** A support ticket, as kept in the store under `ticket:<ticketId>`. */
export type Ticket = {
  ticketId: string;
  requestId: string;
  /** What makes a second create_ticket answer this ticket: the dedupeKey, else the request id. */
  idempotencyKey: string;
  sessionId: string | null;
  reason: string;
  priority: Priority;
  summary: string | null;
  customerId: string | null;
  status: string;
  createdAt: string;
  webhookDelivered: boolean;
};

export function ticketKey(ticketId: string): string {
  return `ticket:${ticketId}`;
}

const isStringOrNull = (value: unknown): value is string | null =>
  value === null || typeof value === 'string';

/** The ticket held in `value`, or null when `value` is not one. */
export function toTicket(value: unknown): Ticket | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const { ticketId, requestId, sessionId, reason, priority, summary, customerId } = v;
  const { status, createdAt, webhookDelivered } = v;
  if (typeof ticketId !== 'string' || typeof requestId !== 'string') return null;
  if (typeof reason !== 'string' || typeof status !== 'string') return null;
  if (typeof createdAt !== 'string' || typeof webhookDelivered !== 'boolean') return null;
  if (!isStringOrNull(sessionId) || !isStringOrNull(summary) || !isStringOrNull(customerId)) {
    return null;
  }
  if (!(PRIORITIES as readonly unknown[]).includes(priority)) return null;
  const idempotencyKey = typeof v['idempotencyKey'] === 'string' ? v['idempotencyKey'] : requestId;
  return {
    ticketId,
    requestId,
    idempotencyKey,
    sessionId,
    reason,
    priority: priority as Priority,
    summary,
    customerId,
    status,
    createdAt,
    webhookDelivered,
  };
}

/** What the webhook receives: the ticket without the plugin's own delivery bookkeeping. */
export function webhookPayload(
  ticket: Ticket,
): Omit<Ticket, 'webhookDelivered' | 'idempotencyKey'> {
  const { ticketId, requestId, sessionId, reason, priority, summary, customerId } = ticket;
  const { status, createdAt } = ticket;
  return {
    ticketId,
    requestId,
    sessionId,
    reason,
    priority,
    summary,
    customerId,
    status,
    createdAt,
  };
}
