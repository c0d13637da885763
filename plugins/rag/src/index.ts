import { definePlugin } from '@toolhost/plugin-sdk';
import { DOCUMENT_ID_PATTERN } from './KnowledgeDocument.js';
import { RagTool } from './RagTool.js';

export default definePlugin({
  name: 'rag',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      seedSampleArticles: { type: 'boolean', default: true },
    },
  },
  tools: {
    search: {
      description:
        'Searches the support knowledge base (BM25 over title and body, English stemming and prefix matching) ' +
        'and answers the best articles with a snippet around the first matched term',
      inputSchema: {
        type: 'object',
        required: ['query'],
        additionalProperties: false,
        properties: {
          query: { type: 'string', minLength: 1, maxLength: 500 },
          limit: { type: 'integer', minimum: 1, maximum: 10, default: 3 },
        },
      },
      outputSchema: {
        type: 'object',
        required: ['results'],
        additionalProperties: false,
        properties: {
          results: {
            type: 'array',
            maxItems: 10,
            items: {
              type: 'object',
              required: ['sourceId', 'title', 'score', 'snippet'],
              additionalProperties: false,
              properties: {
                sourceId: { type: 'string' },
                title: { type: 'string' },
                score: { type: 'number', minimum: 0 },
                snippet: { type: 'string' },
              },
            },
          },
        },
      },
      annotations: { readOnly: true, idempotent: true },
    },
    add_documents: {
      description: 'Adds documents to the knowledge base, replacing any document with the same id',
      inputSchema: {
        type: 'object',
        required: ['documents'],
        additionalProperties: false,
        properties: {
          documents: {
            type: 'array',
            minItems: 1,
            maxItems: 100,
            items: {
              type: 'object',
              required: ['id', 'title', 'body'],
              additionalProperties: false,
              properties: {
                id: { type: 'string', pattern: DOCUMENT_ID_PATTERN },
                title: { type: 'string', minLength: 1, maxLength: 500 },
                body: { type: 'string', minLength: 1, maxLength: 100000 },
                tags: {
                  type: 'array',
                  maxItems: 32,
                  items: { type: 'string', minLength: 1, maxLength: 64 },
                },
              },
            },
          },
        },
      },
      outputSchema: {
        type: 'object',
        required: ['added', 'updated', 'total'],
        additionalProperties: false,
        properties: {
          added: { type: 'integer', minimum: 0 },
          updated: { type: 'integer', minimum: 0 },
          total: { type: 'integer', minimum: 0 },
        },
      },
      annotations: { idempotent: true },
    },
  },
  create: (ctx) => new RagTool(ctx),
});
