import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HTTP_PROBLEMS, HttpProblem } from './problem.js';

describe('HTTP_PROBLEMS', () => {
  it('every HTTP problem code is documented in docs/errors.md with its status', () => {
    const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    for (const [code, { status }] of Object.entries(HTTP_PROBLEMS)) {
      const row = doc.split('\n').find((line) => line.includes(`\`${code}\``));
      expect(row, `docs/errors.md does not document ${code}`).toBeDefined();
      expect(row, `docs/errors.md gives ${code} another status`).toMatch(
        new RegExp(`\\|\\s*${status}\\s*\\|`),
      );
    }
  });

  it('HttpProblem takes its status from the catalog unless told otherwise', () => {
    expect(new HttpProblem('TOOLHOST_HTTP_BODY_TOO_LARGE', 'x').status).toBe(413);
    expect(new HttpProblem('TOOLHOST_HTTP_BAD_REQUEST', 'x', { status: 408 }).status).toBe(408);
  });
});
