import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../support/hostProcess.js';

// The same migration on both databases, in-process: host/src/db/migrations/*.test.ts.
const PLUGIN_DOCUMENT = 'Migration20261124000000_plugin_document';
const MESSAGE_AUDIT = 'Migration20261125000000_message_audit';
const PLUGIN_SEARCH = 'Migration20261202000100_plugin_search';

let root: string;
beforeEach(() => {
  expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
  root = mkdtempSync(join(tmpdir(), 'toolhost-audit-migrate-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('toolhost migrate', () => {
  it('lists, applies and reverts the message_audit migration', async () => {
    const cli = async (...args: string[]) => {
      const result = await runCli(['migrate', ...args], { TOOLHOST_DATA_DIR: join(root, 'data') });
      expect(result.code, result.stderr).toBe(0);
      return result.stdout.trim().split('\n');
    };
    expect(await cli('--status')).toEqual([
      `pending   ${PLUGIN_DOCUMENT}`,
      `pending   ${MESSAGE_AUDIT}`,
      `pending   ${PLUGIN_SEARCH}`,
    ]);
    expect(await cli()).toEqual([
      `applied   ${PLUGIN_DOCUMENT}, ${MESSAGE_AUDIT}, ${PLUGIN_SEARCH}`,
    ]);
    expect(await cli('--down')).toEqual([`reverted  ${PLUGIN_SEARCH}`]);
    expect(await cli('--down')).toEqual([`reverted  ${MESSAGE_AUDIT}`]);
    expect(await cli('--status')).toEqual([
      `executed  ${PLUGIN_DOCUMENT}`,
      `pending   ${MESSAGE_AUDIT}`,
      `pending   ${PLUGIN_SEARCH}`,
    ]);
  });
});
