import { Migration } from '@mikro-orm/migrations';
import { SqlitePlatform } from '@mikro-orm/sql';

/** Creates `plugin_document`, the table behind every plugin's `store` capability. */
export class Migration20261124000000_plugin_document extends Migration {
  override up(): void {
    if (this.driver.getPlatform() instanceof SqlitePlatform) {
      this.addSql(
        `create table "plugin_document" ("plugin" text not null, "key" text not null, "value" json not null, "updated_at" datetime not null, primary key ("plugin", "key"));`,
      );
    } else {
      this.addSql(
        `create table "plugin_document" ("plugin" text not null, "key" text not null, "value" jsonb not null, "updated_at" timestamptz not null, primary key ("plugin", "key"));`,
      );
    }
  }

  override down(): void {
    this.addSql(`drop table if exists "plugin_document";`);
  }
}
