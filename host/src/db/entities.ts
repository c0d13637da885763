import { FleetHostSchema, FleetPluginStateSchema, PluginManifestSchema } from './FleetTables.js';
import { MessageAuditSchema } from './MessageAudit.js';
import { PluginDocumentSchema } from './PluginDocument.js';

/** Every entity the host database maps; each table is created by a migration in `migrations/`. */
export const entities = [
  PluginDocumentSchema,
  MessageAuditSchema,
  PluginManifestSchema,
  FleetHostSchema,
  FleetPluginStateSchema,
];
