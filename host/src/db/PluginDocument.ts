import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { JsonObject } from '@toolhost/plugin-sdk';

/** One document of a plugin's store: table `plugin_document`, keyed by (plugin, key). */
export const PluginDocumentSchema = defineEntity({
  name: 'PluginDocument',
  tableName: 'plugin_document',
  properties: {
    plugin: p.text().primary(),
    // PostgreSQL: collate "C" (Migration20261202000100), so prefix lists are index ranges in code
    // point order. SQLite has no collation of that name and compares bytewise anyway, so the
    // entity cannot name it for both: the migration owns it.
    key: p.text().primary().ignoreSchemaChanges('collation'),
    value: p.json<JsonObject>(),
    updatedAt: p.datetime(),
  },
  primaryKeys: ['plugin', 'key'],
});

export type PluginDocument = InferEntity<typeof PluginDocumentSchema>;
