import type { Logger } from 'winston';
import type { Database } from '../db/Database.js';
import { createSqlRunner } from '../db/createSqlRunner.js';
import { withDatabase } from '../db/withDatabase.js';
import { HostError } from '../errors.js';
import { assertPluginName, type ManifestStore } from '../manifests/ManifestStore.js';
import { manifestEntryOf, readManifests, type ManifestEntry } from '../manifests/readManifests.js';
import { parseManifest } from '../manifests/validateManifest.js';
import { listenForNotifications } from './listenForNotifications.js';

/** The channel every host LISTENs on; the payload is the name of the manifest that changed. */
export const PLUGIN_MANIFEST_CHANNEL = 'toolhost_plugin_manifest';

export interface DatabaseManifestStoreOptions {
  database: Database;
  /** The PostgreSQL URL the notification connection opens. */
  url: string;
  logger: Logger;
  /**
   * The manifests dir an empty table is seeded from whenever it is read (after a migration was
   * reverted and applied again, say): an empty desired state would stop every plugin of every
   * running host.
   */
  seedFrom?: string;
}

interface Row {
  name: string;
  text: string;
}

// Each write and its NOTIFY are one statement: PostgreSQL delivers the notification when that
// statement commits, so every host hears of exactly the changes that were stored.
const UPSERT = `with written as (
  insert into "plugin_manifest" ("name", "manifest", "updated_at") values (?, ?::jsonb, now())
  on conflict ("name") do update set "manifest" = excluded."manifest", "updated_at" = excluded."updated_at"
  returning "name")
select pg_notify('${PLUGIN_MANIFEST_CHANNEL}', "name") from written`;
const DELETE = `with gone as (delete from "plugin_manifest" where "name" = ? returning "name")
select pg_notify('${PLUGIN_MANIFEST_CHANNEL}', "name") from gone`;
const SELECT = `select "name", "manifest"::text as "text" from "plugin_manifest"`;

/**
 * The fleet's desired plugin state: the `plugin_manifest` table (PostgreSQL), one manifest a
 * row, read by every host; each write NOTIFYs every host. A row that is not a valid manifest
 * is refused for its plugin alone, exactly as a bad file is.
 */
export function createDatabaseManifestStore(options: DatabaseManifestStoreOptions): ManifestStore {
  const { database, logger } = options;
  const sql = createSqlRunner(database.orm);
  const guarded = <T>(operation: () => Promise<T>) => withDatabase(database.orm, operation);
  const locationOf = (name: string) => `plugin_manifest/${name}`;
  const entryOf = (row: Row): ManifestEntry =>
    manifestEntryOf(row.name, locationOf(row.name), row.text);
  const writeText = (name: string, text: string) =>
    guarded(() => sql.all(UPSERT, [name, text])).then(() => undefined);

  const read = async (name: string): Promise<ManifestEntry | null> => {
    assertPluginName(name);
    const rows = await guarded(() => sql.all<Row>(`${SELECT} where "name" = ?`, [name]));
    return rows[0] ? entryOf(rows[0]) : null;
  };

  return {
    kind: 'database',
    locationOf,
    async list() {
      const all = () => guarded(() => sql.all<Row>(`${SELECT} order by "name"`, []));
      let rows = await all();
      if (rows.length === 0 && options.seedFrom !== undefined) {
        await seedManifests(database, options.seedFrom, logger);
        rows = await all();
      }
      return rows.map(entryOf);
    },
    read,
    readText: async (name) =>
      (await guarded(() => sql.all<Row>(`${SELECT} where "name" = ?`, [name])))[0]?.text ?? null,
    async write(manifest) {
      parseManifest(manifest, locationOf(manifest.name));
      await writeText(manifest.name, JSON.stringify(manifest));
    },
    async setEnabled(name, enabled) {
      assertPluginName(name);
      const rows = await guarded(() => sql.all<Row>(`${SELECT} where "name" = ?`, [name]));
      const original = rows[0]?.text;
      if (original === undefined) {
        throw new HostError('TOOLHOST_ERR_PLUGIN_UNKNOWN', { plugin: name });
      }
      const value = JSON.parse(original) as unknown;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new HostError('TOOLHOST_ERR_MANIFEST_INVALID', {
          file: locationOf(name),
          details: 'not a JSON object',
        });
      }
      const manifest = value as Record<string, unknown>;
      if (manifest['enabled'] === enabled) return null;
      await writeText(name, JSON.stringify({ ...manifest, enabled }));
      return () => writeText(name, original);
    },
    async remove(name) {
      assertPluginName(name);
      await guarded(() => sql.all(DELETE, [name]));
    },
    watch: (onChange, onError) =>
      listenForNotifications({
        url: options.url,
        channel: PLUGIN_MANIFEST_CHANNEL,
        onNotify: onChange,
        onError,
        logger,
      }),
  };
}

/**
 * Fills an empty `plugin_manifest` from the manifests dir (the first start of a fleet), under a
 * table lock so hosts starting together seed it once. A file that is refused is not copied
 * (it is logged); once the table holds a row, the files are no longer read.
 * @returns the names seeded (empty when the table held manifests already).
 */
export async function seedManifests(
  database: Database,
  manifestsDir: string,
  logger: Logger,
): Promise<string[]> {
  const entries = await readManifests(manifestsDir);
  return withDatabase(database.orm, () =>
    database.orm.em.fork().transactional(async (em) => {
      await em.execute('lock table "plugin_manifest" in share row exclusive mode');
      const [count] = await em.execute<{ n: string | number }[]>(
        'select count(*) as "n" from "plugin_manifest"',
      );
      if (Number(count?.n ?? 0) > 0) {
        if (entries.length > 0) {
          logger.info("manifest files not read: plugin_manifest holds the fleet's manifests", {
            dir: manifestsDir,
            files: entries.length,
          });
        }
        return [];
      }
      const seeded: string[] = [];
      for (const entry of entries) {
        if (entry.manifest === null) {
          logger.warn('manifest not seeded into plugin_manifest', {
            plugin: entry.name,
            error: entry.error,
          });
          continue;
        }
        await em.execute(UPSERT, [entry.name, JSON.stringify(entry.manifest)]);
        seeded.push(entry.name);
      }
      logger.info('plugin_manifest seeded from the manifests dir', {
        dir: manifestsDir,
        plugins: seeded,
      });
      return seeded;
    }),
  );
}
