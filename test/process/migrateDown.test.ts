import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPluginStore } from '../../host/src/container/createPluginStore.js';
import { migrationsList } from '../../host/src/db/migrations/index.js';
import { openDatabase } from '../../host/src/db/openDatabase.js';
import { createScratchPostgres } from '../../host/src/db/testing/createScratchPostgres.js';
import type { ScratchDatabase } from '../../host/src/db/testing/ScratchDatabase.js';
import { CLI, runCli } from '../support/hostProcess.js';
import { describeWithPostgres, postgresUrl } from '../support/services.js';

// Each migration's own shape is tested in-process: host/src/db/migrations/*.test.ts.
const ALL = migrationsList.map((migration) => migration.name);
const LAST = ALL.at(-1) ?? '';

/** `toolhost migrate --down` then `toolhost migrate`: what the reverted migration keeps survives. */
function restore(scratchOf: () => Promise<ScratchDatabase & { env: Record<string, string> }>) {
  let scratch: ScratchDatabase & { env: Record<string, string> };
  beforeEach(async () => {
    expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
    scratch = await scratchOf();
  });
  afterEach(() => scratch.drop());

  it('reverts the last migration and applies it again, plugin documents intact', async () => {
    const cli = async (...args: string[]) => {
      const result = await runCli(['migrate', ...args], scratch.env);
      expect(result.code, result.stderr).toBe(0);
      return result.stdout.trim().split('\n');
    };
    expect(await cli('--status')).toEqual(ALL.map((name) => `pending   ${name}`));
    expect(await cli()).toEqual([`applied   ${ALL.join(', ')}`]);

    const database = await openDatabase(scratch.url, { migrate: false });
    try {
      const store = createPluginStore(database.orm, 'memory');
      await store.put('session/s-1/note/1', { text: 'refund asked' });
      await store.put('session/s-1/note/2', { text: 'card expired' });
      const before = await store.list('session/s-1/');

      // Listing and "up to date" are test/process/cli.test.ts's; here: down, then up again.
      expect(await cli('--down')).toEqual([`reverted  ${LAST}`]);
      expect((await database.migrationStatus()).pending).toEqual([LAST]);
      expect(await cli()).toEqual([`applied   ${LAST}`]);
      expect(await store.list('session/s-1/')).toEqual(before);
      expect(before).toHaveLength(2);
    } finally {
      await database.close();
    }
  });
}

describe('toolhost migrate --down on SQLite', () => {
  restore(async () => {
    const root = mkdtempSync(join(tmpdir(), 'toolhost-migrate-down-'));
    return {
      url: `sqlite:${join(root, 'data', 'toolhost.sqlite')}`,
      env: { TOOLHOST_DATA_DIR: join(root, 'data') },
      drop: async () => rmSync(root, { recursive: true, force: true }),
    };
  });
});

describeWithPostgres('toolhost migrate --down on PostgreSQL', () => {
  restore(async () => {
    const scratch = await createScratchPostgres(postgresUrl());
    return { ...scratch, env: { DATABASE_URL: scratch.url } };
  });
});
