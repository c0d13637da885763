import { definePlugin } from '@toolhost/plugin-sdk';
import { DEFAULT_MAX_NOTES, MemoryTool } from './MemoryTool.js';
import { NOTE_KINDS } from './Note.js';

export default definePlugin({
  name: 'memory',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      maxNotesPerSession: {
        type: 'integer',
        minimum: 1,
        maximum: 1000,
        default: DEFAULT_MAX_NOTES,
      },
    },
  },
  tools: {
    remember: {
      description:
        'Keeps a note about the current session (a fact, a preference or a summary) for later turns',
      inputSchema: {
        type: 'object',
        required: ['note'],
        additionalProperties: false,
        properties: {
          note: { type: 'string', minLength: 1, maxLength: 2000 },
          kind: { enum: [...NOTE_KINDS], default: 'fact' },
        },
      },
      outputSchema: {
        type: 'object',
        required: ['stored', 'count'],
        additionalProperties: false,
        properties: {
          stored: { const: true },
          count: { type: 'integer', minimum: 1 },
        },
      },
      annotations: { idempotent: false },
    },
    recall: {
      description: 'The notes kept for the current session, most recent first',
      inputSchema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
        },
      },
      outputSchema: {
        type: 'object',
        required: ['notes'],
        additionalProperties: false,
        properties: {
          notes: {
            type: 'array',
            maxItems: 50,
            items: {
              type: 'object',
              required: ['note', 'kind', 'at'],
              additionalProperties: false,
              properties: {
                note: { type: 'string' },
                kind: { enum: [...NOTE_KINDS] },
                at: { type: 'string' },
              },
            },
          },
        },
      },
      annotations: { readOnly: true, idempotent: true },
    },
  },
  create: (ctx) => new MemoryTool(ctx),
});
