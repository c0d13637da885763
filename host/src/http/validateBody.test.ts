import { describe, expect, it } from 'vitest';
import { HttpProblem } from './problem.js';
import { compileBodyValidator } from './validateBody.js';

const schema = {
  type: 'object',
  properties: { text: { type: 'string', minLength: 1 }, limit: { type: 'integer' } },
  required: ['text'],
  additionalProperties: false,
};

describe('compileBodyValidator', () => {
  it('returns a valid body unchanged', () => {
    const check = compileBodyValidator<{ text: string }>(schema);
    const body = { text: 'hi' };
    expect(check(body)).toBe(body);
  });

  it('names every offending field', () => {
    const check = compileBodyValidator(schema);
    let thrown: unknown;
    try {
      check({ text: '', limit: 1.5, other: 1 });
    } catch (error: unknown) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HttpProblem);
    const problem = thrown as HttpProblem;
    expect(problem.code).toBe('TOOLHOST_HTTP_INVALID_BODY');
    expect(problem.detail).toContain('field "other" is not allowed');
    expect(problem.detail).toContain('field "text" must NOT have fewer than 1 characters');
    expect(problem.detail).toContain('field "limit" must be integer');
  });
});
