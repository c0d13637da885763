import { definePlugin } from '@toolhost/plugin-sdk';
import { EscalationTool } from './EscalationTool.js';
import { PRIORITIES } from './Ticket.js';

const nullableString = { type: ['string', 'null'] } as const;

const ticketSchema = {
  type: 'object',
  required: [
    'ticketId',
    'requestId',
    'idempotencyKey',
    'sessionId',
    'reason',
    'priority',
    'summary',
    'customerId',
    'status',
    'createdAt',
    'webhookDelivered',
  ],
  additionalProperties: false,
  properties: {
    ticketId: { type: 'string' },
    requestId: { type: 'string' },
    idempotencyKey: { type: 'string' },
    sessionId: nullableString,
    reason: { type: 'string' },
    priority: { enum: [...PRIORITIES] },
    summary: nullableString,
    customerId: nullableString,
    status: { type: 'string' },
    createdAt: { type: 'string' },
    webhookDelivered: { type: 'boolean' },
  },
} as const;

export default definePlugin({
  name: 'escalation',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      webhookUrl: { type: 'string', pattern: '^https?://', maxLength: 2000 },
    },
  },
  tools: {
    create_ticket: {
      description:
        'Hands the conversation to a human: opens a support ticket (one per request, or one per ' +
        'dedupeKey when given; a repeat answers the same ticket) and notifies the configured webhook',
      inputSchema: {
        type: 'object',
        required: ['reason'],
        additionalProperties: false,
        properties: {
          reason: { type: 'string', minLength: 1, maxLength: 500 },
          priority: { enum: [...PRIORITIES], default: 'normal' },
          summary: { type: 'string', maxLength: 2000 },
          customerId: { type: 'string', minLength: 1, maxLength: 128 },
          dedupeKey: { type: 'string', minLength: 1, maxLength: 200 },
        },
      },
      outputSchema: {
        type: 'object',
        required: ['ticketId', 'status', 'priority', 'created'],
        additionalProperties: false,
        properties: {
          ticketId: { type: 'string', pattern: '^TCK-[0-9A-F]{10,64}$' },
          status: { type: 'string' },
          priority: { enum: [...PRIORITIES] },
          created: { type: 'boolean' },
        },
      },
      annotations: { idempotent: true },
    },
    get_ticket: {
      description: 'A support ticket by id',
      inputSchema: {
        type: 'object',
        required: ['ticketId'],
        additionalProperties: false,
        properties: { ticketId: { type: 'string', minLength: 1, maxLength: 100 } },
      },
      outputSchema: ticketSchema,
      annotations: { readOnly: true, idempotent: true },
    },
  },
  create: (ctx) => new EscalationTool(ctx),
});
