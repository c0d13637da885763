export type { AuditedMessage } from './AuditedMessage.js';
export type { AuditEntry } from './AuditEntry.js';
export type { AuditPayload, AuditTrail } from './AuditTrail.js';
export type { BlobStore } from './BlobStore.js';
export { createFileBlobStore } from './createFileBlobStore.js';
export { openAuditTrail, type OpenAuditTrailOptions } from './openAuditTrail.js';
