import {
  BaseTool,
  ok,
  ToolError,
  type CallContext,
  type HealthStatus,
  type ToolResult,
} from '@toolhost/plugin-sdk';
import type MiniSearch from 'minisearch';
import { createSearchIndex, processTerm } from './createSearchIndex.js';
import {
  documentKey,
  toKnowledgeDocument,
  toStoredValue,
  type KnowledgeDocument,
} from './KnowledgeDocument.js';
import { loadSampleArticles } from './loadSampleArticles.js';
import { makeSnippet } from './makeSnippet.js';

export type SearchInput = { query: string; limit?: number };
export type AddDocumentsInput = { documents: KnowledgeDocument[] };

export type SearchHit = { sourceId: string; title: string; score: number; snippet: string };

const DEFAULT_LIMIT = 3;

/**
 * The knowledge base: documents live in the plugin store (`doc:<id>`), the BM25 index in
 * memory, rebuilt from the store by `initialize()`.
 */
export class RagTool extends BaseTool {
  #index: MiniSearch<KnowledgeDocument> = createSearchIndex();
  readonly #documents = new Map<string, KnowledgeDocument>();

  override async initialize(): Promise<void> {
    const { store, logger } = this.ctx;
    if (this.ctx.config['seedSampleArticles'] !== false) {
      const existing = await store.list('doc:', { limit: 1 });
      if (existing.length === 0) {
        const samples = await loadSampleArticles();
        for (const document of samples) {
          await store.put(documentKey(document.id), toStoredValue(document));
        }
        logger.info('rag seeded the sample knowledge base', { documents: samples.length });
      }
    }
    this.#index = createSearchIndex();
    this.#documents.clear();
    let skipped = 0;
    for (const entry of await store.list('doc:')) {
      const document = toKnowledgeDocument(entry.value);
      if (document && documentKey(document.id) === entry.key) this.#upsertIndexed(document);
      else skipped += 1;
    }
    if (skipped > 0) logger.warn('rag skipped malformed documents in its store', { skipped });
    logger.info('rag index built', { documents: this.#index.documentCount });
  }

  override async health(): Promise<HealthStatus> {
    return { healthy: true, details: { documentCount: this.#index.documentCount } };
  }

  async search(input: SearchInput): Promise<ToolResult> {
    const limit = input.limit ?? DEFAULT_LIMIT;
    const results: SearchHit[] = [];
    for (const hit of this.#index.search(input.query)) {
      if (results.length >= limit) break;
      const document = this.#documents.get(String(hit.id));
      if (!document) continue;
      results.push({
        sourceId: document.id,
        title: document.title,
        score: Math.round(hit.score * 1000) / 1000,
        snippet: makeSnippet(document.body, hit.terms, { normalize: processTerm }),
      });
    }
    return ok({ results }, { source: 'rag', documentCount: this.#index.documentCount });
  }

  async add_documents(input: AddDocumentsInput, call: CallContext): Promise<ToolResult> {
    let added = 0;
    let updated = 0;
    for (const document of input.documents) {
      if (call.signal.aborted) {
        throw new ToolError(
          'timeout',
          `add_documents was aborted after ${added + updated} of ${input.documents.length} documents`,
        );
      }
      const key = documentKey(document.id);
      const existed = this.#documents.has(document.id) || (await this.ctx.store.get(key)) !== null;
      await this.ctx.store.put(key, toStoredValue(document));
      this.#upsertIndexed(document);
      if (existed) updated += 1;
      else added += 1;
    }
    return ok(
      { added, updated, total: this.#index.documentCount },
      { source: 'rag', documentCount: this.#index.documentCount },
    );
  }

  #upsertIndexed(document: KnowledgeDocument): void {
    if (this.#index.has(document.id)) this.#index.replace(document);
    else this.#index.add(document);
    this.#documents.set(document.id, document);
  }
}
