import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, TOOL_ERROR_CODES } from '@toolhost/plugin-sdk/host';
import { HOST_ERRORS } from '../host/src/errors.js';
import { HTTP_PROBLEMS } from '../host/src/http/problem.js';

const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');

/** The codes in the first column of the table under the `## <heading>` of docs/errors.md. */
function documented(heading: string): Map<string, string> {
  const start = doc.indexOf(`\n## ${heading}`);
  expect(start, `docs/errors.md has no section "${heading}"`).toBeGreaterThan(-1);
  const end = doc.indexOf('\n## ', start + 1);
  const rows = new Map<string, string>();
  for (const line of doc.slice(start, end === -1 ? undefined : end).split('\n')) {
    const code = /^\|\s*`([^`]+)`\s*\|/.exec(line)?.[1];
    if (code) rows.set(code, line);
  }
  return rows;
}

describe('every error code is documented in docs/errors.md, and only those', () => {
  it.each([
    ['Tool error codes', [...TOOL_ERROR_CODES]],
    ['SDK error codes', Object.keys(ERROR_CATALOG)],
    ['Host error codes', Object.keys(HOST_ERRORS)],
    ['HTTP problem codes', Object.keys(HTTP_PROBLEMS)],
  ])('%s', (heading, codes) => {
    expect([...documented(heading).keys()].sort()).toEqual([...codes].sort());
  });

  it('every HTTP problem code is documented with its status', () => {
    const rows = documented('HTTP problem codes');
    for (const [code, { status }] of Object.entries(HTTP_PROBLEMS)) {
      expect(rows.get(code), `docs/errors.md gives ${code} another status`).toMatch(
        new RegExp(`\\|\\s*${status}\\s*\\|`),
      );
    }
  });

  it('no code lives in two catalogs', () => {
    const all = [...Object.keys(ERROR_CATALOG), ...Object.keys(HOST_ERRORS)];
    expect(all.filter((code, i) => all.indexOf(code) !== i)).toEqual([]);
  });
});
