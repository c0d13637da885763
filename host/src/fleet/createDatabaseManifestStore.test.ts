// The ManifestStore contract, run against both stores: the files of one host and a fleet's table.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeWithPostgres, postgresUrl } from '../../../test/support/services.js';
import { createCapturingLogger } from '../../../test/support/capturingLogger.js';
import type { Database } from '../db/Database.js';
import { openDatabase } from '../db/openDatabase.js';
import { createScratchPostgres } from '../db/testing/createScratchPostgres.js';
import type { ScratchDatabase } from '../db/testing/ScratchDatabase.js';
import { isHostError } from '../errors.js';
import { createFileManifestStore } from '../manifests/createFileManifestStore.js';
import type { Manifest } from '../manifests/Manifest.js';
import type { ManifestStore } from '../manifests/ManifestStore.js';
import { createDatabaseManifestStore, seedManifests } from './createDatabaseManifestStore.js';

const echo: Manifest = { name: 'echo', enabled: false, source: { path: 'echo' }, config: { a: 1 } };

interface Opened {
  store: ManifestStore;
  /** A second store on the same state, as another host (or the CLI) would open it. */
  other: ManifestStore;
  close(): Promise<void>;
}

function storeContract(open: () => Promise<Opened>): void {
  let opened: Opened;
  beforeEach(async () => {
    opened = await open();
  });
  afterEach(() => opened.close());

  it('writes, reads, lists and removes manifests', async () => {
    const { store } = opened;
    expect(await store.read('echo')).toBeNull();
    await store.write(echo);
    expect(await store.read('echo')).toMatchObject({ name: 'echo', manifest: echo, error: null });
    expect((await store.list()).map((entry) => entry.name)).toEqual(['echo']);
    await store.remove('echo');
    expect(await store.list()).toEqual([]);
  });

  it('refuses an invalid manifest before writing anything', async () => {
    const bad = { ...echo, policy: { timeoutMs: 0 } };
    const error = await opened.store.write(bad).catch((reason: unknown) => reason);
    expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_MANIFEST_INVALID');
    expect((error as Error).message).toContain(`${opened.store.locationOf('echo')} is invalid`);
    expect(await opened.store.list()).toEqual([]);
  });

  it('flips enabled, keeps every other field, and undoes it exactly', async () => {
    const { store } = opened;
    await store.write(echo);
    const before = await store.read('echo');
    const undo = await store.setEnabled('echo', true);
    expect((await store.read('echo'))?.manifest).toEqual({ ...echo, enabled: true });
    expect(await store.setEnabled('echo', true)).toBeNull();
    await undo?.();
    expect((await store.read('echo'))?.hash).toBe(before?.hash);
  });

  it('refuses names that are no plugin name, so a URL or argument never names a path', async () => {
    const { store } = opened;
    for (const name of ['../echo', '../../etc/passwd', 'a/b', 'Echo', '']) {
      for (const operation of [
        () => store.read(name),
        () => store.setEnabled(name, true),
        () => store.remove(name),
      ]) {
        const error = await operation().catch((reason: unknown) => reason);
        expect(isHostError(error) && error.code, name).toBe('TOOLHOST_ERR_PLUGIN_UNKNOWN');
      }
    }
  });

  it('tells a watcher of a change made through another store', async () => {
    let calls = 0;
    let wake = () => {};
    const stop = await opened.store.watch(
      () => {
        calls += 1;
        wake();
      },
      (error) => {
        throw error;
      },
    );
    // Starting to watch may call it once (the database store rescans whenever it LISTENs).
    const seen = calls;
    const changed = new Promise<void>((resolve) => {
      wake = () => {
        if (calls > seen) resolve();
      };
    });
    await opened.other.write(echo);
    await changed;
    await stop();
  });
}

describe('the file manifest store', () => {
  storeContract(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toolhost-manifest-store-'));
    return {
      store: createFileManifestStore(dir),
      other: createFileManifestStore(dir),
      close: async () => rmSync(dir, { recursive: true, force: true }),
    };
  });
});

describeWithPostgres('the database manifest store', () => {
  const openStores = async (): Promise<
    Opened & { database: Database; scratch: ScratchDatabase }
  > => {
    const scratch = await createScratchPostgres(postgresUrl());
    const database = await openDatabase(scratch.url);
    const other = await openDatabase(scratch.url);
    const { logger } = createCapturingLogger();
    return {
      scratch,
      database,
      store: createDatabaseManifestStore({ database, url: scratch.url, logger }),
      other: createDatabaseManifestStore({ database: other, url: scratch.url, logger }),
      close: async () => {
        await other.close();
        await database.close();
        await scratch.drop();
      },
    };
  };
  storeContract(openStores);

  it('refuses a row that is no valid manifest for that plugin alone', async () => {
    const opened = await openStores();
    try {
      await opened.store.write(echo);
      await opened.database.orm.em
        .getConnection()
        .execute(
          `insert into "plugin_manifest" ("name", "manifest", "updated_at") values ('other', '{"name":"renamed","enabled":true,"source":{"path":"x"}}', now()), ('list', '[]', now())`,
        );
      const entries = await opened.store.list();
      expect(entries.map((entry) => [entry.name, entry.error])).toEqual([
        ['echo', null],
        ['list', 'Manifest plugin_manifest/list is invalid: field "(root)" must be object'],
        [
          'other',
          'Manifest plugin_manifest/other is invalid: field "name" must match the row name ("other")',
        ],
      ]);
      const error = await opened.store.setEnabled('list', true).catch((reason: unknown) => reason);
      expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_MANIFEST_INVALID');
    } finally {
      await opened.close();
    }
  });

  it('is seeded once from the manifests dir, by whichever host starts first', async () => {
    const opened = await openStores();
    const dir = mkdtempSync(join(tmpdir(), 'toolhost-seed-'));
    try {
      writeFileSync(join(dir, 'echo.json'), JSON.stringify(echo));
      writeFileSync(join(dir, 'broken.json'), '{');
      const { logger, lines } = createCapturingLogger();
      const seeded = await Promise.all([
        seedManifests(opened.database, dir, logger),
        seedManifests(opened.database, dir, logger),
      ]);
      expect(seeded.sort()).toEqual([[], ['echo']]);
      expect(
        lines.some((line) => line.message === 'manifest not seeded into plugin_manifest'),
      ).toBe(true);
      await opened.store.setEnabled('echo', true);
      await opened.store.remove('echo');
      await opened.store.write({ ...echo, name: 'kept' });
      expect(await seedManifests(opened.database, dir, logger)).toEqual([]);
      expect((await opened.store.list()).map((entry) => entry.name)).toEqual(['kept']);

      // Emptied (a reverted and reapplied migration): seeded again when a host reads it, rather
      // than an empty desired state stopping every plugin of every host.
      const seeding = createDatabaseManifestStore({
        database: opened.database,
        url: opened.scratch.url,
        logger,
        seedFrom: dir,
      });
      await opened.database.orm.em.getConnection().execute('delete from "plugin_manifest"');
      expect((await seeding.list()).map((entry) => [entry.name, entry.manifest?.enabled])).toEqual([
        ['echo', false],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await opened.close();
    }
  });
});
