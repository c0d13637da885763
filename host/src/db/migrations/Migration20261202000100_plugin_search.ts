import { Migration } from '@mikro-orm/migrations';
import { SqlitePlatform } from '@mikro-orm/sql';

/**
 * Creates the tables behind every plugin's `search` capability: `plugin_search_document`
 * (keyed by plugin and id) with its full-text index — an external-content FTS5 table kept in
 * step by triggers on SQLite, a generated `tsvector` column with a GIN index on PostgreSQL —
 * and `plugin_search_count`, each plugin's document count, kept by triggers so reading it
 * never scans the index.
 */
export class Migration20261202000100_plugin_search extends Migration {
  override up(): void {
    if (this.driver.getPlatform() instanceof SqlitePlatform) {
      this.#sqlite();
    } else {
      this.#postgres();
    }
  }

  #sqlite(): void {
    this.addSql(
      `create table "plugin_search_document" ("rowid" integer primary key, "plugin" text not null, "id" text not null, "title" text not null, "body" text not null, "tags" json not null, unique ("plugin", "id"));`,
    );
    // What the query joins on for each match: the plugin of a row, without reading the row.
    this.addSql(
      `create index "plugin_search_document_plugin_idx" on "plugin_search_document" ("plugin");`,
    );
    this.addSql(
      `create table "plugin_search_count" ("plugin" text not null primary key, "documents" integer not null);`,
    );
    this.addSql(
      `create virtual table "plugin_search_fts" using fts5("title", "body", content='plugin_search_document', content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2');`,
    );
    this.addSql(
      `create trigger "plugin_search_document_ai" after insert on "plugin_search_document" begin ` +
        `insert into "plugin_search_fts" ("rowid", "title", "body") values (new."rowid", new."title", new."body"); ` +
        `insert into "plugin_search_count" ("plugin", "documents") values (new."plugin", 1) on conflict ("plugin") do update set "documents" = "documents" + 1; ` +
        `end;`,
    );
    this.addSql(
      `create trigger "plugin_search_document_ad" after delete on "plugin_search_document" begin ` +
        `insert into "plugin_search_fts" ("plugin_search_fts", "rowid", "title", "body") values ('delete', old."rowid", old."title", old."body"); ` +
        `update "plugin_search_count" set "documents" = "documents" - 1 where "plugin" = old."plugin"; ` +
        `end;`,
    );
    this.addSql(
      `create trigger "plugin_search_document_au" after update on "plugin_search_document" begin ` +
        `insert into "plugin_search_fts" ("plugin_search_fts", "rowid", "title", "body") values ('delete', old."rowid", old."title", old."body"); ` +
        `insert into "plugin_search_fts" ("rowid", "title", "body") values (new."rowid", new."title", new."body"); ` +
        `end;`,
    );
  }

  #postgres(): void {
    this.addSql(
      `create table "plugin_search_document" ("plugin" text not null, "id" text not null, "title" text not null, "body" text not null, "tags" jsonb not null, ` +
        `"tsv" tsvector generated always as (setweight(to_tsvector('english'::regconfig, "title"), 'A') || setweight(to_tsvector('english'::regconfig, "body"), 'B')) stored, ` +
        `primary key ("plugin", "id"));`,
    );
    this.addSql(
      `create index "plugin_search_document_tsv_idx" on "plugin_search_document" using gin ("tsv");`,
    );
    this.addSql(
      `create table "plugin_search_count" ("plugin" text not null primary key, "documents" bigint not null);`,
    );
    this.addSql(
      `create function "plugin_search_counted"() returns trigger language plpgsql as $$ begin ` +
        `if tg_op = 'INSERT' then ` +
        `insert into "plugin_search_count" ("plugin", "documents") values (new."plugin", 1) on conflict ("plugin") do update set "documents" = "plugin_search_count"."documents" + 1; ` +
        `else update "plugin_search_count" set "documents" = "documents" - 1 where "plugin" = old."plugin"; ` +
        `end if; return null; end $$;`,
    );
    this.addSql(
      `create trigger "plugin_search_document_counted" after insert or delete on "plugin_search_document" for each row execute function "plugin_search_counted"();`,
    );
  }

  override down(): void {
    this.addSql(`drop table if exists "plugin_search_fts";`);
    this.addSql(`drop table if exists "plugin_search_document";`);
    this.addSql(`drop table if exists "plugin_search_count";`);
    if (!(this.driver.getPlatform() instanceof SqlitePlatform)) {
      this.addSql(`drop function if exists "plugin_search_counted"();`);
    }
  }
}
