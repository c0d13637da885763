import {
  checkSearchDocuments,
  checkSearchIds,
  checkSearchOptions,
  checkSearchText,
} from '../host/checkSearchInput.js';
import { makeSearchSnippet } from '../host/makeSearchSnippet.js';
import { searchTerms, termStem } from '../host/searchTerms.js';
import type { SearchCapability, SearchDocument, SearchHit } from '../PluginContext.js';

interface Indexed {
  document: Required<SearchDocument>;
  words: string[];
  titleWords: Set<string>;
}

const WORD = /[\p{L}\p{N}]+/gu;
const K1 = 1.2;
const B = 0.75;
const TITLE_WEIGHT = 2;

const wordsOf = (text: string): string[] =>
  [...text.toLowerCase().matchAll(WORD)].map(([word]) => termStem(word));

/** Whether an indexed word answers a query term: a lone term of 3 letters or more as a prefix too. */
const answers = (stem: string, prefix: boolean) =>
  prefix ? (word: string) => word.startsWith(stem) : (word: string) => word === stem;

/**
 * An in-memory `search` for the `./testing` harness: the host's input rules and limits, BM25
 * over title (weighing twice) and body, the host's query words, prefix matching and snippets.
 * Scores differ in detail from the host's backends (no Porter stemming), never the rules.
 */
export function createMemorySearch(): SearchCapability {
  const documents = new Map<string, Indexed>();

  return {
    async index(batch) {
      const checked = checkSearchDocuments(batch);
      let added = 0;
      for (const document of checked) {
        if (!documents.has(document.id)) added += 1;
        documents.set(document.id, {
          document: structuredClone(document),
          words: [...wordsOf(document.title), ...wordsOf(document.body)],
          titleWords: new Set(wordsOf(document.title)),
        });
      }
      return { added, updated: checked.length - added };
    },

    async remove(ids) {
      let removed = 0;
      for (const id of checkSearchIds(ids)) if (documents.delete(id)) removed += 1;
      return removed;
    },

    async query(text, options) {
      const terms = searchTerms(checkSearchText(text));
      const { limit, tags } = checkSearchOptions(options);
      if (terms.length === 0 || documents.size === 0) return [];
      const all = [...documents.values()];
      const averageLength = all.reduce((sum, d) => sum + d.words.length, 0) / all.length || 1;
      const scored: { entry: Indexed; score: number; matched: number }[] = [];
      const matchers = terms.map((term) =>
        answers(termStem(term), terms.length === 1 && term.length >= 3),
      );
      const frequency = matchers.map((matches) => all.filter((d) => d.words.some(matches)).length);
      for (const entry of all) {
        if (!tags.every((tag) => entry.document.tags.includes(tag))) continue;
        let score = 0;
        let matched = 0;
        matchers.forEach((matches, i) => {
          const df = frequency[i] ?? 0;
          let tf = 0;
          for (const word of entry.words) if (matches(word)) tf += 1;
          for (const word of entry.titleWords) if (matches(word)) tf += TITLE_WEIGHT - 1;
          if (tf === 0) return;
          matched += 1;
          const idf = Math.log(1 + (all.length - df + 0.5) / (df + 0.5));
          const norm = 1 - B + (B * entry.words.length) / averageLength;
          score += (idf * tf * (K1 + 1)) / (tf + K1 * norm);
        });
        if (score > 0) scored.push({ entry, score, matched });
      }
      // As the host does: documents holding every word when there are `limit` of them, else
      // those holding two (for 3 to 6 words), else any.
      const steps = terms.length >= 3 && terms.length <= 6 ? [terms.length, 2] : [terms.length];
      const ranked =
        steps
          .map((atLeast) => scored.filter((candidate) => candidate.matched >= atLeast))
          .find((candidates) => candidates.length >= limit) ?? scored;
      ranked.sort(
        (a, b) => b.score - a.score || (a.entry.document.id < b.entry.document.id ? -1 : 1),
      );
      return ranked.slice(0, limit).map(({ entry, score }): SearchHit => ({
        id: entry.document.id,
        title: entry.document.title,
        score,
        snippet: makeSearchSnippet(entry.document.body, terms),
        tags: [...entry.document.tags],
      }));
    },

    async count() {
      return documents.size;
    },
  };
}
