import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { JsonObject } from '@toolhost/plugin-sdk';

/** One document of a plugin's store: table `plugin_document`, keyed by (plugin, key). */
export const PluginDocumentSchema = defineEntity({
  name: 'PluginDocument',
  tableName: 'plugin_document',
  properties: {
    plugin: p.text().primary(),
    key: p.text().primary(),
    value: p.json<JsonObject>(),
    updatedAt: p.datetime(),
  },
  primaryKeys: ['plugin', 'key'],
});

export type PluginDocument = InferEntity<typeof PluginDocumentSchema>;
