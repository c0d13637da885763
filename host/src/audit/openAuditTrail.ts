import { join } from 'node:path';
import type { Logger } from 'winston';
import type { Settings } from '../config/Settings.js';
import type { Database } from '../db/Database.js';
import { createAuditTable } from './AuditTable.js';
import type { AuditTrail } from './AuditTrail.js';
import type { BlobStore } from './BlobStore.js';
import { createAuditTrail } from './createAuditTrail.js';
import { createFileBlobStore } from './createFileBlobStore.js';
import { createS3BlobStore } from './createS3BlobStore.js';
import { createJournalAuditWriter } from './createJournalAuditWriter.js';
import { createSyncAuditWriter } from './createSyncAuditWriter.js';

export interface OpenAuditTrailOptions {
  settings: Pick<Settings, 'auditWriteMode' | 'auditInlineMaxBytes' | 'dataDir' | 'auditBlobs'>;
  database: Database;
  logger: Logger;
  /** Default: what `settings.auditBlobs` names (files under `<dataDir>/blobs/`, or S3). */
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
  const blobs = options.blobs ?? openBlobStore(settings);
  const trail = createAuditTrail({
    mode: settings.auditWriteMode,
    writer,
    table,
    blobs,
    inlineMaxBytes: settings.auditInlineMaxBytes,
  });
  return {
    ...trail,
    async close() {
      try {
        await trail.close();
      } finally {
        if (blobs !== options.blobs) (blobs as BlobStore & { close?(): void }).close?.();
      }
    },
  };
}

function openBlobStore(settings: OpenAuditTrailOptions['settings']): BlobStore {
  const { location, endpoint, region, credentials } = settings.auditBlobs;
  if (location.kind === 'file') return createFileBlobStore(join(settings.dataDir, 'blobs'));
  return createS3BlobStore({ ...location, endpoint, region, credentials });
}
