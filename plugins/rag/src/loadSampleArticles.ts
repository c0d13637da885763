import { readFile } from 'node:fs/promises';
import { toKnowledgeDocument, type KnowledgeDocument } from './KnowledgeDocument.js';

/** The sample knowledge base shipped with the plugin (beside `src/` and `dist/`). */
export const SAMPLE_ARTICLES_URL = new URL('../data/articles.json', import.meta.url);

/** @throws Error when the file is missing or holds something other than an array of articles. */
export async function loadSampleArticles(
  url: URL = SAMPLE_ARTICLES_URL,
): Promise<KnowledgeDocument[]> {
  const parsed: unknown = JSON.parse(await readFile(url, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${url.pathname} must hold an array of articles`);
  return parsed.map((value: unknown, index) => {
    const document = toKnowledgeDocument(value);
    if (!document) throw new Error(`${url.pathname}: entry ${index} is not a valid article`);
    return document;
  });
}
