import { describe, expect, it } from 'vitest';
import { HttpProblem } from './problem.js';

describe('HttpProblem', () => {
  it('HttpProblem takes its status from the catalog unless told otherwise', () => {
    expect(new HttpProblem('TOOLHOST_HTTP_BODY_TOO_LARGE', 'x').status).toBe(413);
    expect(new HttpProblem('TOOLHOST_HTTP_BAD_REQUEST', 'x', { status: 408 }).status).toBe(408);
  });
});
