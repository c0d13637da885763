import { join } from 'node:path';
import type { Logger } from 'winston';
import type { Settings } from '../config/Settings.js';
import type { Database } from '../db/Database.js';
import { createAuditTable } from './AuditTable.js';
import type { AuditTrail } from './AuditTrail.js';
import type { BlobStore } from './BlobStore.js';
import { createAuditTrail } from './createAuditTrail.js';
import { createFileBlobStore } from './createFileBlobStore.js';
import { createJournalAuditWriter } from './createJournalAuditWriter.js';
import { createSyncAuditWriter } from './createSyncAuditWriter.js';

export interface OpenAuditTrailOptions {
  settings: Pick<Settings, 'auditWriteMode' | 'auditInlineMaxBytes' | 'dataDir'>;
  database: Database;
  logger: Logger;
  /** Default: files under `<dataDir>/blobs/`. */
  blobs?: BlobStore;
}

/**
 * The audit trail the settings ask for: `sync` commits each entry before the response,
 * `async` journals it under `<dataDir>/audit-journal/` and writes it in the background
 * (replaying what a previous run left there).
 * @throws HostError `TOOLHOST_ERR_AUDIT_FAILED` when the journal is held by another process.
 */
export async function openAuditTrail(options: OpenAuditTrailOptions): Promise<AuditTrail> {
  const { settings, database, logger } = options;
  const table = createAuditTable(database.orm);
  const writer =
    settings.auditWriteMode === 'async'
      ? await createJournalAuditWriter({
          dir: join(settings.dataDir, 'audit-journal'),
          table,
          logger,
        })
      : createSyncAuditWriter(table);
  return createAuditTrail({
    mode: settings.auditWriteMode,
    writer,
    table,
    blobs: options.blobs ?? createFileBlobStore(join(settings.dataDir, 'blobs')),
    inlineMaxBytes: settings.auditInlineMaxBytes,
  });
}
