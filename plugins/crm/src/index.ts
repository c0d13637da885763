import { definePlugin, type PluginContext } from '@toolhost/plugin-sdk';
import { CrmTool, type CrmConfig } from './CrmTool.js';
import { customerProfileSchema } from './customerSchema.js';

export default definePlugin({
  name: 'crm',
  configSchema: {
    type: 'object',
    required: ['baseUrl'],
    properties: {
      baseUrl: { type: 'string', pattern: '^https?://' },
      requestTimeoutMs: { type: 'integer', minimum: 1, default: 2000 },
    },
    additionalProperties: false,
  },
  tools: {
    lookup_customer: {
      description: 'Customer profile and account status (plan, open orders) by customer id',
      inputSchema: {
        type: 'object',
        required: ['customerId'],
        properties: { customerId: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' } },
        additionalProperties: false,
      },
      outputSchema: customerProfileSchema,
      annotations: { readOnly: true, idempotent: true },
    },
  },
  create: (ctx) => new CrmTool(ctx as PluginContext<CrmConfig>),
});
