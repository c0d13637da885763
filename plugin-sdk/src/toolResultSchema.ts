import { TOOL_ERROR_CODES } from './ToolResult.js';

/** JSON Schema (draft-07 subset understood by ajv) of a ToolResult. */
export const toolResultSchema = {
  $id: 'https://toolhost.dev/schemas/tool-result.json',
  type: 'object',
  required: ['success', 'data', 'metadata', 'error'],
  additionalProperties: false,
  properties: {
    success: { type: 'boolean' },
    data: { type: 'object' },
    metadata: { type: 'object' },
    error: { type: ['string', 'null'] },
    errorCode: { type: 'string', enum: [...TOOL_ERROR_CODES] },
  },
  if: { properties: { success: { const: true } } },
  then: { properties: { error: { type: 'null' }, errorCode: false } },
  else: { properties: { error: { type: 'string', minLength: 1 } }, required: ['errorCode'] },
} as const;
