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
  /** The best `limit` rows holding at least `atLeast` of the terms (1, 2 or all of them). */
  query(
    plugin: string,
    terms: readonly string[],
    atLeast: number,
    limit: number,
    tags: readonly string[],
  ): Promise<SearchRow[]>;
  count(plugin: string): Promise<number>;
}

/**
 * A query of one word of 3 characters or more matches it as a prefix too (`passw` finds
 * `password`, as a customer still typing means); in a longer query every word matches whole
 * (stemmed): a prefix of a common word expands to thousands of documents to rank.
 */
export function isPrefixTerm(terms: readonly string[], index: number): boolean {
  return terms.length === 1 && index === 0 && (terms[0]?.length ?? 0) >= 3;
}

/**
 * A boolean expression over the terms, true for a document holding at least `atLeast` of
 * them: `a AND b AND c`, `(a AND b) OR (a AND c) OR (b AND c)`, `a OR b OR c`.
 */
export function termExpression(
  terms: readonly string[],
  atLeast: number,
  operators: { and: string; or: string },
  quote: (term: string, prefix: boolean) => string,
): string {
  const quoted = terms.map((term, i) => quote(term, isPrefixTerm(terms, i)));
  if (atLeast >= terms.length) return quoted.join(operators.and);
  if (atLeast <= 1) return quoted.join(operators.or);
  const pairs: string[] = [];
  for (let i = 0; i < quoted.length; i += 1) {
    for (let j = i + 1; j < quoted.length; j += 1) {
      pairs.push(`(${quoted[i]}${operators.and}${quoted[j]})`);
    }
  }
  return pairs.join(operators.or);
}
