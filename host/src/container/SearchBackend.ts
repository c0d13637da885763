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
  query(
    plugin: string,
    terms: readonly string[],
    limit: number,
    tags: readonly string[],
  ): Promise<SearchRow[]>;
  count(plugin: string): Promise<number>;
}

/** Terms of 3 characters or more match as prefixes too (`passw` finds `password`). */
export const PREFIX_MIN_CHARS = 3;
