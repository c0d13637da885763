import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261124000000_plugin_document } from './Migration20261124000000_plugin_document.js';
import { Migration20261125000000_message_audit } from './Migration20261125000000_message_audit.js';
import { Migration20261202000100_plugin_search } from './Migration20261202000100_plugin_search.js';
import { Migration20261202000100_plugin_document_key_c } from './Migration20261202000100_plugin_document_key_c.js';
import { Migration20261202000200_plugin_manifest } from './Migration20261202000200_plugin_manifest.js';

/**
 * Every migration of the host database, executed in array order (the list is not sorted);
 * `name` is the row recorded in `mikro_orm_migrations`, so never rename a shipped one.
 */
export const migrationsList: MigrationObject[] = [
  {
    name: 'Migration20261124000000_plugin_document',
    class: Migration20261124000000_plugin_document,
  },
  {
    name: 'Migration20261125000000_message_audit',
    class: Migration20261125000000_message_audit,
  },
  {
    name: 'Migration20261202000100_plugin_search',
    class: Migration20261202000100_plugin_search,
  },
  {
    name: 'Migration20261202000100_plugin_document_key_c',
    class: Migration20261202000100_plugin_document_key_c,
  },
  {
    name: 'Migration20261202000200_plugin_manifest',
    class: Migration20261202000200_plugin_manifest,
  },
];
