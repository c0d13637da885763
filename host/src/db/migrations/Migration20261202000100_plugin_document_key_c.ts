import { Migration } from '@mikro-orm/migrations';
import { SqlitePlatform } from '@mikro-orm/sql';

/**
 * PostgreSQL: `plugin_document.key` collates "C" (code point order), so its primary key index
 * serves `store.list(prefix)` as a range scan and lists in the order SQLite does. SQLite's text
 * compares bytewise already; nothing changes there. Rebuilding the index keeps every row.
 */
export class Migration20261202000100_plugin_document_key_c extends Migration {
  override up(): void {
    if (this.driver.getPlatform() instanceof SqlitePlatform) return;
    this.addSql(`alter table "plugin_document" alter column "key" type text collate "C";`);
  }

  override down(): void {
    if (this.driver.getPlatform() instanceof SqlitePlatform) return;
    this.addSql(`alter table "plugin_document" alter column "key" type text collate "default";`);
  }
}
