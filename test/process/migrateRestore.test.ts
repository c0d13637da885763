import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase } from '../../host/src/db/openDatabase.js';
import { createScratchPostgres } from '../../host/src/db/testing/createScratchPostgres.js';
import type { ScratchDatabase } from '../../host/src/db/testing/ScratchDatabase.js';
import { runCli } from '../support/hostProcess.js';
import { describeWithPostgres, postgresUrl } from '../support/services.js';

const run = promisify(execFile);

// The runbook's migration revert, step by step: back up with pg_dump, `toolhost migrate
// --down`, then restore with pg_restore and find the schema and the rows as they were.
describeWithPostgres('reverting a migration and restoring the backup (docs/runbook.md)', () => {
  let scratch: ScratchDatabase;
  let root: string;
  beforeEach(async () => {
    scratch = await createScratchPostgres(postgresUrl());
    root = mkdtempSync(join(tmpdir(), 'toolhost-restore-'));
  });
  afterEach(async () => {
    await scratch.drop();
    rmSync(root, { recursive: true, force: true });
  });

  const cli = async (...args: string[]) => {
    const result = await runCli(['migrate', ...args], {
      DATABASE_URL: scratch.url,
      TOOLHOST_DATA_DIR: join(root, 'data'),
    });
    expect(result.code, result.stderr).toBe(0);
    return result.stdout.trim().split('\n');
  };
  const auditRows = async () => {
    const database = await openDatabase(scratch.url, { migrate: false });
    try {
      return await database.orm.em
        .getConnection()
        .execute<{ request_id: string }[]>(`select request_id from message_audit`);
    } finally {
      await database.close();
    }
  };

  const status = async () => {
    const database = await openDatabase(scratch.url, { migrate: false });
    try {
      return await database.migrationStatus();
    } finally {
      await database.close();
    }
  };

  it('migrate --down reverts the newest migration; pg_restore brings schema and rows back', async () => {
    const database = await openDatabase(scratch.url); // applies every migration, as a start does
    await database.orm.em.getConnection().execute(
      `insert into message_audit (id, session_id, request_id, timestamp, message_text, tools_called,
         selected_sources, pii_redacted) values
         ('6f1c1d52-52a2-4a51-9b8e-0a4f1f0e7d11', 's', 'restore-me', now(), 'hi', '[]', '[]', false)`,
    );
    await database.close();
    const before = await status();
    expect(before.pending).toEqual([]);

    const dump = join(root, 'before-down.dump');
    await run('pg_dump', ['-Fc', '-f', dump, scratch.url]);
    const newest = before.executed.at(-1)!;
    expect(await cli('--down')).toEqual([`reverted  ${newest}`]);
    expect((await status()).pending).toEqual([newest]);

    await run('pg_restore', ['--clean', '--if-exists', '-d', scratch.url, dump]);
    expect(await status()).toEqual(before);
    expect(await auditRows()).toEqual([{ request_id: 'restore-me' }]);
  });
});
