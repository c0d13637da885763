import {
  BaseTool,
  ok,
  ToolError,
  type CallContext,
  type HealthStatus,
  type ToolResult,
} from '@toolhost/plugin-sdk';
import { batchesOf } from './batchesOf.js';
import {
  documentKey,
  toKnowledgeDocument,
  toStoredValue,
  type KnowledgeDocument,
} from './KnowledgeDocument.js';
import { loadSampleArticles } from './loadSampleArticles.js';

export type SearchInput = { query: string; limit?: number };
export type AddDocumentsInput = { documents: KnowledgeDocument[] };
export type SearchHit = { sourceId: string; title: string; score: number; snippet: string };

const DEFAULT_LIMIT = 3;

/**
 * The knowledge base: documents live in the plugin store (`doc:<id>`) and in the host's
 * full-text index (`ctx.search`), which every host of a fleet shares. `initialize()` seeds the
 * sample articles into an empty store, and indexes the store only when the index is empty
 * (a first start, or a store written before the index existed), never on every start.
 */
export class RagTool extends BaseTool {
  override async initialize(): Promise<void> {
    const { store, search, logger } = this.ctx;
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
    if ((await search.count()) > 0) return;
    const documents: KnowledgeDocument[] = [];
    let skipped = 0;
    for (const entry of await store.list('doc:')) {
      const document = toKnowledgeDocument(entry.value);
      if (document && documentKey(document.id) === entry.key) documents.push(document);
      else skipped += 1;
    }
    if (skipped > 0) logger.warn('rag skipped malformed documents in its store', { skipped });
    for (const batch of batchesOf(documents)) await search.index(batch);
    if (documents.length > 0) logger.info('rag indexed its store', { documents: documents.length });
  }

  override async health(): Promise<HealthStatus> {
    return { healthy: true, details: { documentCount: await this.ctx.search.count() } };
  }

  async search(input: SearchInput): Promise<ToolResult> {
    const limit = input.limit ?? DEFAULT_LIMIT;
    const [hits, documentCount] = await Promise.all([
      this.ctx.search.query(input.query, { limit }),
      this.ctx.search.count(),
    ]);
    const results = hits.map((hit): SearchHit => ({
      sourceId: hit.id,
      title: hit.title,
      score: Math.round(hit.score * 1000) / 1000,
      snippet: hit.snippet,
    }));
    return ok({ results }, { source: 'rag', documentCount });
  }

  async add_documents(input: AddDocumentsInput, call: CallContext): Promise<ToolResult> {
    let added = 0;
    let updated = 0;
    for (const batch of batchesOf(input.documents)) {
      if (call.signal.aborted) {
        throw new ToolError(
          'timeout',
          `add_documents was aborted after ${added + updated} of ${input.documents.length} documents`,
        );
      }
      const counts = await this.ctx.search.index(batch);
      for (const document of batch) {
        await this.ctx.store.put(documentKey(document.id), toStoredValue(document));
      }
      added += counts.added;
      updated += counts.updated;
    }
    const total = await this.ctx.search.count();
    return ok({ added, updated, total }, { source: 'rag', documentCount: total });
  }
}
