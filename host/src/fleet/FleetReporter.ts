import type { Logger } from 'winston';
import type { Database } from '../db/Database.js';
import { createSqlRunner } from '../db/createSqlRunner.js';
import { withDatabase } from '../db/withDatabase.js';
import type { ManifestStore } from '../manifests/ManifestStore.js';
import type { PluginStatus } from '../plugins/PluginStatus.js';
import { fleetDrift, type FleetReport, type FleetStateRow } from './fleetDrift.js';

export interface FleetReporterOptions {
  database: Database;
  store: ManifestStore;
  hostId: string;
  /** Where this host serves, once it does. */
  url: () => string | null;
  /** What this host runs now, and the manifest revision each plugin was applied from. */
  statuses: () => PluginStatus[];
  revisions: () => Map<string, string>;
  /** Calls back after every plugin change; resolves to an unsubscribe. */
  onChange: (listener: () => void) => () => void;
  /** Heartbeat period; a host unseen for three of them is stale. */
  intervalMs: number;
  logger: Logger;
  now?: () => Date;
}

/**
 * Writes this host's heartbeat (`fleet_host`) and what it runs of each plugin
 * (`fleet_plugin_state`: state, version, applied manifest revision) after every plugin change
 * and every `intervalMs`; answers the fleet's drift from those rows and `plugin_manifest`.
 */
export class FleetReporter {
  readonly #options: FleetReporterOptions;
  readonly #sql;
  readonly #startedAt: Date;
  #timer: NodeJS.Timeout | undefined;
  #debounce: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | null = null;
  #writing: Promise<void> = Promise.resolve();
  #again = false;
  #stopped = false;

  constructor(options: FleetReporterOptions) {
    this.#options = options;
    this.#sql = createSqlRunner(options.database.orm);
    this.#startedAt = this.#now();
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }

  /** Reports once, then after every change and on every tick; a failed report is logged, never fatal. */
  async start(): Promise<void> {
    await this.#reportLogged();
    this.#unsubscribe = this.#options.onChange(() => {
      clearTimeout(this.#debounce);
      this.#debounce = setTimeout(() => void this.#reportLogged(), 20);
    });
    this.#timer = setInterval(() => void this.#reportLogged(), this.#options.intervalMs);
    this.#timer.unref();
  }

  async #reportLogged(): Promise<void> {
    try {
      await this.report();
    } catch (error) {
      this.#options.logger.warn('fleet report failed', { error: (error as Error).message });
    }
  }

  /** Writes the heartbeat and every plugin's row in one transaction; concurrent calls coalesce. */
  report(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#again = true;
    this.#writing = this.#writing
      .catch(() => {})
      .then(async () => {
        if (!this.#again || this.#stopped) return;
        this.#again = false;
        await this.#write();
      });
    return this.#writing;
  }

  async #write(): Promise<void> {
    const { database, hostId } = this.#options;
    const url = this.#options.url();
    const now = this.#now();
    const revisions = this.#options.revisions();
    const rows = this.#options
      .statuses()
      .map((status) => [
        hostId,
        status.name,
        status.state,
        status.version,
        revisions.get(status.name) ?? null,
        status.error,
        now,
      ]);
    await withDatabase(database.orm, () =>
      database.orm.em.fork().transactional(async (em) => {
        await em.execute(
          'insert into "fleet_host" ("host_id", "url", "started_at", "seen_at") values (?, ?, ?, ?) ' +
            'on conflict ("host_id") do update set "url" = excluded."url", "seen_at" = excluded."seen_at"',
          [hostId, url, this.#startedAt, now],
        );
        await em.execute('delete from "fleet_plugin_state" where "host_id" = ?', [hostId]);
        for (const row of rows) {
          await em.execute(
            'insert into "fleet_plugin_state" ("host_id", "plugin", "state", "version", "revision", "error", "reported_at") values (?, ?, ?, ?, ?, ?, ?)',
            row,
          );
        }
      }),
    );
  }

  /** The desired state, every host's heartbeat and where a live host differs. */
  async fleet(): Promise<FleetReport> {
    const { database, store, hostId, intervalMs } = this.#options;
    const [desired, hosts, states] = await Promise.all([
      store.list(),
      withDatabase(database.orm, () =>
        this.#sql.all<{ host_id: string; url: string | null; seen_at: Date | string }>(
          'select "host_id", "url", "seen_at" from "fleet_host" order by "host_id"',
          [],
        ),
      ),
      withDatabase(database.orm, () =>
        this.#sql.all<{
          host_id: string;
          plugin: string;
          state: string;
          version: string | null;
          revision: string | null;
          error: string | null;
        }>(
          'select "host_id", "plugin", "state", "version", "revision", "error" from "fleet_plugin_state"',
          [],
        ),
      ),
    ]);
    return fleetDrift({
      hostId,
      desired,
      hosts: hosts.map((row) => ({
        hostId: row.host_id,
        url: row.url,
        seenAt: new Date(row.seen_at),
      })),
      states: states.map((row): FleetStateRow => ({
        hostId: row.host_id,
        plugin: row.plugin,
        state: row.state,
        version: row.version,
        revision: row.revision,
        error: row.error,
      })),
      now: this.#now(),
      staleAfterMs: intervalMs * 3,
    });
  }

  /** Stops reporting and deletes this host's rows: a host that stopped is no drift. */
  async stop(): Promise<void> {
    this.#unsubscribe?.();
    clearTimeout(this.#debounce);
    clearInterval(this.#timer);
    await this.#writing.catch(() => {});
    this.#stopped = true;
    const { database, hostId } = this.#options;
    await withDatabase(database.orm, () =>
      database.orm.em.fork().transactional(async (em) => {
        await em.execute('delete from "fleet_plugin_state" where "host_id" = ?', [hostId]);
        await em.execute('delete from "fleet_host" where "host_id" = ?', [hostId]);
      }),
    ).catch((error: unknown) =>
      this.#options.logger.warn('fleet rows not removed at stop', {
        error: (error as Error).message,
      }),
    );
  }
}
