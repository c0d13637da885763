import MiniSearch from 'minisearch';
import type { KnowledgeDocument } from './KnowledgeDocument.js';

// Words that carry no meaning in a support question; without them BM25 would let
// "how do I get …" match every article that says "get".
const STOP_WORDS = new Set(
  (
    'a about also am an and any are as at be been but by can could did do does doing for from ' +
    'get got had has have hello hi how i if in into is it its just me my need no not of on or ' +
    'our please so some than thanks that the their them then there these they this to too us ' +
    'want was we were what when where which who why will with would you your'
  ).split(' '),
);

// Folds plain English plurals ("refunds", "deliveries") onto the singular, so a title
// that says "refunds" matches a question about a "refund" exactly, not only as a prefix.
function singular(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !/(?:ss|us|is)$/.test(word)) {
    return word.slice(0, -1);
  }
  return word;
}

/** How both documents and queries are turned into index terms (null drops the word). */
export function processTerm(term: string): string | null {
  const lower = term.toLowerCase();
  return STOP_WORDS.has(lower) ? null : singular(lower);
}

/** A BM25 index over title and body (title boosted), searched with prefix and fuzzy matching. */
export function createSearchIndex(): MiniSearch<KnowledgeDocument> {
  return new MiniSearch<KnowledgeDocument>({
    fields: ['title', 'body'],
    storeFields: ['title'],
    processTerm,
    searchOptions: { boost: { title: 2 }, prefix: true, fuzzy: 0.2 },
  });
}
