import type { SearchDocument } from '@toolhost/plugin-sdk/host';

/** A matching document as a backend answers it, before its snippet is cut. */
export interface SearchRow {
  id: string;
  title: string;
  body: string;
  tags: string[];
  score: number;
}

/**
 * Where the `search` capability keeps its documents. Arguments arrive checked; `terms` are
 * words of letters and digits only (searchTerms), never query syntax, and every statement is
 * limited to `plugin`'s rows.
 */
export interface SearchBackend {
  upsert(
    plugin: string,
    documents: readonly Required<SearchDocument>[],
  ): Promise<{ added: number; updated: number }>;
  remove(plugin: string, ids: readonly string[]): Promise<number>;
  /** The best `limit` rows holding every term (`every`) or any of them. */
  query(
    plugin: string,
    terms: readonly string[],
    every: boolean,
    limit: number,
    tags: readonly string[],
  ): Promise<SearchRow[]>;
  count(plugin: string): Promise<number>;
}

/**
 * The last term, when it has 3 characters or more, matches as a prefix too (`passw` finds
 * `password`, as a customer still typing means); the others as whole words, stemmed.
 */
export function isPrefixTerm(terms: readonly string[], index: number): boolean {
  return index === terms.length - 1 && (terms[index]?.length ?? 0) >= 3;
}
