import { Migration } from '@mikro-orm/migrations';
import { SqlitePlatform } from '@mikro-orm/sql';

/** Creates `message_audit`, one row per processed message, indexed by session and by time. */
export class Migration20261125000000_message_audit extends Migration {
  override up(): void {
    if (this.driver.getPlatform() instanceof SqlitePlatform) {
      this.addSql(
        `create table "message_audit" ("id" text not null primary key, "session_id" text not null, "request_id" text not null, "timestamp" datetime not null, "message_text" text not null, "tools_called" json not null, "selected_sources" json not null, "escalation_ticket_id" text null, "pii_redacted" integer not null, "raw_payload_key" text null, "trace_id" text null);`,
      );
    } else {
      this.addSql(
        `create table "message_audit" ("id" uuid not null, "session_id" text not null, "request_id" text not null, "timestamp" timestamptz not null, "message_text" text not null, "tools_called" jsonb not null, "selected_sources" jsonb not null, "escalation_ticket_id" text null, "pii_redacted" boolean not null, "raw_payload_key" text null, "trace_id" text null, primary key ("id"));`,
      );
    }
    this.addSql(
      `create index "message_audit_session_id_timestamp_idx" on "message_audit" ("session_id", "timestamp");`,
    );
    this.addSql(`create index "message_audit_timestamp_idx" on "message_audit" ("timestamp");`);
  }

  override down(): void {
    this.addSql(`drop table if exists "message_audit";`);
  }
}
