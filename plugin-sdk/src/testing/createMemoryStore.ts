import type { StoreCapability, StoredDocument } from '../PluginContext.js';
import type { JsonObject } from '../ToolResult.js';

/** An in-memory StoreCapability; values are copied through JSON as a database would. */
export function createMemoryStore(now: () => Date = () => new Date()): StoreCapability {
  const documents = new Map<string, { value: string; updatedAt: string }>();
  return {
    async get(key) {
      const doc = documents.get(key);
      return doc ? (JSON.parse(doc.value) as JsonObject) : null;
    },
    async put(key, value) {
      documents.set(key, { value: JSON.stringify(value), updatedAt: now().toISOString() });
    },
    async delete(key) {
      return documents.delete(key);
    },
    async list(prefix = '', options = {}) {
      const found: StoredDocument[] = [];
      for (const key of [...documents.keys()].sort()) {
        if (!key.startsWith(prefix)) continue;
        const doc = documents.get(key);
        if (doc)
          found.push({ key, value: JSON.parse(doc.value) as JsonObject, updatedAt: doc.updatedAt });
        if (options.limit !== undefined && found.length >= options.limit) break;
      }
      return found;
    },
  };
}
