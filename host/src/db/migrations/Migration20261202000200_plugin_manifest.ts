import { Migration } from '@mikro-orm/migrations';
import { SqlitePlatform } from '@mikro-orm/sql';

/**
 * The fleet's shared plugin state: `plugin_manifest` (the desired state, one manifest a row),
 * `fleet_host` (each host's heartbeat) and `fleet_plugin_state` (what each host runs). SQLite
 * gets the same tables so both schemas match the entities; a single host never uses them.
 */
export class Migration20261202000200_plugin_manifest extends Migration {
  override up(): void {
    const sqlite = this.driver.getPlatform() instanceof SqlitePlatform;
    const json = sqlite ? 'json' : 'jsonb';
    const time = sqlite ? 'datetime' : 'timestamptz';
    this.addSql(
      `create table "plugin_manifest" ("name" text not null, "manifest" ${json} not null, "updated_at" ${time} not null, primary key ("name"));`,
    );
    this.addSql(
      `create table "fleet_host" ("host_id" text not null, "url" text null, "started_at" ${time} not null, "seen_at" ${time} not null, primary key ("host_id"));`,
    );
    this.addSql(
      `create table "fleet_plugin_state" ("host_id" text not null, "plugin" text not null, "state" text not null, "version" text null, "revision" text null, "error" text null, "reported_at" ${time} not null, primary key ("host_id", "plugin"));`,
    );
  }

  override down(): void {
    this.addSql(`drop table if exists "fleet_plugin_state";`);
    this.addSql(`drop table if exists "fleet_host";`);
    this.addSql(`drop table if exists "plugin_manifest";`);
  }
}
