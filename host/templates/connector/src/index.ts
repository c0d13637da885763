import { definePlugin, type PluginContext } from '@toolhost/plugin-sdk';
import { ConnectorTool, type ConnectorConfig } from './ConnectorTool.js';
import { recordSchema } from './recordSchema.js';

export default definePlugin({
  name: '__PLUGIN_NAME__',
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
    lookup_record: {
      description: 'A record of the connected service by its id',
      inputSchema: {
        type: 'object',
        required: ['id'],
        properties: { id: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' } },
        additionalProperties: false,
      },
      outputSchema: recordSchema,
      annotations: { readOnly: true, idempotent: true },
    },
  },
  create: (ctx) => new ConnectorTool(ctx as PluginContext<ConnectorConfig>),
});
