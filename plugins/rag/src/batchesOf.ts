import type { KnowledgeDocument } from './KnowledgeDocument.js';

// Within what one `search.index` call takes (100 documents, 1,000,000 characters).
const MAX_DOCUMENTS = 100;
const MAX_CHARS = 1_000_000;

/** The documents as search batches, each within the search capability's limits. */
export function* batchesOf(
  documents: readonly KnowledgeDocument[],
): Generator<KnowledgeDocument[]> {
  let batch: KnowledgeDocument[] = [];
  let chars = 0;
  for (const document of documents) {
    const size = document.title.length + document.body.length;
    if (batch.length === MAX_DOCUMENTS || (batch.length > 0 && chars + size > MAX_CHARS)) {
      yield batch;
      batch = [];
      chars = 0;
    }
    batch.push(document);
    chars += size;
  }
  if (batch.length > 0) yield batch;
}
