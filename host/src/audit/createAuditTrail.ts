import { randomUUID } from 'node:crypto';
import { auditFailed } from './auditFailed.js';
import type { AuditTable } from './AuditTable.js';
import type { AuditTrail } from './AuditTrail.js';
import type { AuditWriter } from './AuditWriter.js';
import type { BlobStore } from './BlobStore.js';
import { auditPayloadKey, buildAuditEntry } from './buildAuditEntry.js';

export const AUDIT_LIST_LIMIT = 100;

export interface AuditTrailDeps {
  mode: AuditTrail['mode'];
  writer: AuditWriter;
  table: Pick<AuditTable, 'listBySession'>;
  blobs: BlobStore;
  /** Payloads larger than this (UTF-8 bytes) go to the blob store (`AUDIT_INLINE_MAX_BYTES`). */
  inlineMaxBytes: number;
  now?: () => Date;
}

/** Builds each entry, puts large payloads in the blob store, and hands the entry to the writer. */
export function createAuditTrail(deps: AuditTrailDeps): AuditTrail {
  const { writer, table, blobs, inlineMaxBytes } = deps;
  const now = deps.now ?? (() => new Date());
  return {
    mode: deps.mode,
    async record(message) {
      const id = randomUUID();
      const timestamp = now();
      const { entry, payloadBytes, payload } = buildAuditEntry(message, { id, timestamp });
      if (payloadBytes > inlineMaxBytes) {
        const key = auditPayloadKey(id, timestamp);
        try {
          await blobs.put(key, payload());
        } catch (error) {
          throw auditFailed(
            `the audit payload of request '${entry.requestId}' was not stored`,
            error,
          );
        }
        entry.rawPayloadKey = key;
      }
      await writer.write(entry);
      return entry;
    },
    list(sessionId, limit = AUDIT_LIST_LIMIT) {
      return table.listBySession(sessionId, Math.max(1, Math.min(limit, AUDIT_LIST_LIMIT)));
    },
    async readPayload(key) {
      const data = await blobs.get(key);
      return data === null ? null : (JSON.parse(data.toString('utf8')) as unknown);
    },
    flush: () => writer.flush(),
    close: () => writer.close(),
  };
}
