import type { JsonObject } from '@toolhost/plugin-sdk';

/** One article of the knowledge base, as kept in the store under `doc:<id>`. */
export type KnowledgeDocument = {
  id: string;
  title: string;
  body: string;
  tags?: string[];
};

export const DOCUMENT_ID_PATTERN = '^[A-Za-z0-9._-]{1,64}$';
const documentId = new RegExp(DOCUMENT_ID_PATTERN);

export function documentKey(id: string): string {
  return `doc:${id}`;
}

/** The knowledge document held in `value`, or null when `value` is not one. */
export function toKnowledgeDocument(value: unknown): KnowledgeDocument | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { id, title, body, tags } = value as Record<string, unknown>;
  if (typeof id !== 'string' || !documentId.test(id)) return null;
  if (typeof title !== 'string' || typeof body !== 'string') return null;
  if (tags === undefined) return { id, title, body };
  if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === 'string')) return null;
  return { id, title, body, tags: [...tags] };
}

/** The store value of a document (a fresh plain object, tags only when present). */
export function toStoredValue(document: KnowledgeDocument): JsonObject {
  const { id, title, body, tags } = document;
  return tags === undefined ? { id, title, body } : { id, title, body, tags: [...tags] };
}
