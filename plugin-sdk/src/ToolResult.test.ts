import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { fail, isToolResult, ok, TOOL_ERROR_CODES } from './ToolResult.js';
import { toolResultSchema } from './toolResultSchema.js';

const validate = new Ajv({ allErrors: true, strict: true }).compile(toolResultSchema);

describe('ToolResult', () => {
  it('ok() builds a successful result with empty metadata by default', () => {
    expect(ok({ answer: 42 })).toEqual({
      success: true,
      data: { answer: 42 },
      metadata: {},
      error: null,
    });
  });

  it('fail() builds a failed result with a code, defaulting to internal', () => {
    expect(fail('boom')).toEqual({
      success: false,
      data: {},
      metadata: {},
      error: 'boom',
      errorCode: 'internal',
    });
    expect(fail('gone', 'not_found', { source: 'crm' }).metadata).toEqual({ source: 'crm' });
  });

  it('round-trips through JSON unchanged and still validates', () => {
    for (const result of [ok({ a: [1, 'x'] }, { source: 's' }), fail('bad', 'timeout')]) {
      const copy: unknown = JSON.parse(JSON.stringify(result));
      expect(copy).toEqual(result);
      expect(validate(copy)).toBe(true);
      expect(isToolResult(copy)).toBe(true);
    }
  });

  it('the schema itself round-trips through JSON', () => {
    const copy = JSON.parse(JSON.stringify(toolResultSchema)) as object;
    expect(copy).toEqual(toolResultSchema);
  });

  it.each([
    ['a missing field', { success: true, data: {}, metadata: {} }],
    ['data that is not an object', { success: true, data: 'x', metadata: {}, error: null }],
    [
      'an unknown errorCode',
      { success: false, data: {}, metadata: {}, error: 'x', errorCode: 'oops' },
    ],
    ['a failure without errorCode', { success: false, data: {}, metadata: {}, error: 'x' }],
    [
      'a failure with an empty error',
      { success: false, data: {}, metadata: {}, error: '', errorCode: 'internal' },
    ],
    ['a success that carries an error', { success: true, data: {}, metadata: {}, error: 'x' }],
    ['an extra property', { success: true, data: {}, metadata: {}, error: null, extra: 1 }],
  ])('the schema rejects %s', (_label, value) => {
    expect(validate(value)).toBe(false);
  });

  it('every error code is accepted by the schema', () => {
    for (const code of TOOL_ERROR_CODES) expect(validate(fail('x', code))).toBe(true);
  });

  it('isToolResult rejects arrays and null data', () => {
    expect(isToolResult([])).toBe(false);
    expect(isToolResult({ success: true, data: null, metadata: {}, error: null })).toBe(false);
  });
});
