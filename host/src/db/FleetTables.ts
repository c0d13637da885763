import { defineEntity, p } from '@mikro-orm/core';
import type { JsonObject } from '@toolhost/plugin-sdk';

/** The fleet's desired state: one manifest a row (Migration20261202000200_plugin_manifest). */
export const PluginManifestSchema = defineEntity({
  name: 'PluginManifest',
  tableName: 'plugin_manifest',
  properties: {
    name: p.text().primary(),
    manifest: p.json<JsonObject>(),
    updatedAt: p.datetime(),
  },
});

/** One row a host: its heartbeat. */
export const FleetHostSchema = defineEntity({
  name: 'FleetHost',
  tableName: 'fleet_host',
  properties: {
    hostId: p.text().primary(),
    url: p.text().nullable(),
    startedAt: p.datetime(),
    seenAt: p.datetime(),
  },
});

/** What one host runs of one plugin: its state, version and the manifest revision it applied. */
export const FleetPluginStateSchema = defineEntity({
  name: 'FleetPluginState',
  tableName: 'fleet_plugin_state',
  properties: {
    hostId: p.text().primary(),
    plugin: p.text().primary(),
    state: p.text(),
    version: p.text().nullable(),
    revision: p.text().nullable(),
    error: p.text().nullable(),
    reportedAt: p.datetime(),
  },
  primaryKeys: ['hostId', 'plugin'],
});
