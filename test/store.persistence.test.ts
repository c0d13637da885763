import { describe, expect, it } from 'vitest';
import { createPluginStore } from '../host/src/container/createPluginStore.js';
import { openDatabase } from '../host/src/db/openDatabase.js';
import { createScratchPostgres } from '../host/src/db/testing/createScratchPostgres.js';
import { createScratchSqlite } from '../host/src/db/testing/createScratchSqlite.js';
import type { ScratchDatabase } from '../host/src/db/testing/ScratchDatabase.js';
import { describeWithPostgres, postgresUrl } from './support/services.js';

const WRITTEN_AT = new Date('2026-11-24T09:30:00.250Z');

function survivesRestart(createScratch: () => Promise<ScratchDatabase>): void {
  it('keeps plugin documents across a host restart', async () => {
    const scratch = await createScratch();
    try {
      const before = await openDatabase(scratch.url);
      const memory = createPluginStore(before.orm, 'memory', { now: () => WRITTEN_AT });
      await memory.put('session/s-1/summary', { text: 'asked about a refund', turns: 3 });
      await memory.put('session/s-1/obsolete', { text: 'deleted before the restart' });
      await memory.delete('session/s-1/obsolete');
      await createPluginStore(before.orm, 'crm').put('session/s-1/summary', { owner: 'crm' });
      await before.close();

      const after = await openDatabase(scratch.url);
      try {
        expect(await after.migrate()).toEqual([]);
        const reopened = createPluginStore(after.orm, 'memory');
        expect(await reopened.list('session/')).toEqual([
          {
            key: 'session/s-1/summary',
            value: { text: 'asked about a refund', turns: 3 },
            updatedAt: WRITTEN_AT.toISOString(),
          },
        ]);
        expect(await createPluginStore(after.orm, 'crm').get('session/s-1/summary')).toEqual({
          owner: 'crm',
        });
      } finally {
        await after.close();
      }
    } finally {
      await scratch.drop();
    }
  });
}

describe('plugin store persistence on a SQLite file', () => {
  survivesRestart(createScratchSqlite);
});

describeWithPostgres('plugin store persistence on PostgreSQL', () => {
  survivesRestart(() => createScratchPostgres(postgresUrl()));
});
