// English words that carry no meaning in a support question; PostgreSQL's `english`
// configuration drops these too, so every backend searches the same words.
const STOP_WORDS = new Set(
  (
    'a about am an and any are as at be been being but by can could did do does doing for ' +
    'from get got had has have having he her here him his how i if in into is it its just ' +
    'me my no nor not of on or our please she so some than thanks that the their them then ' +
    'there these they this those to too us very want was we were what when where which who ' +
    'whom why will with would you your'
  ).split(' '),
);

/** Letters and digits: everything else in a query (quotes, `*`, `:`, parens, `-`) separates words. */
const WORD = /[\p{L}\p{N}]+/gu;
const MAX_TERMS = 32;
const MAX_TERM_CHARS = 64;

/** The searchable words of query text: lower case, stop words dropped, each once, at most 32. */
export function searchTerms(text: string): string[] {
  const terms = new Set<string>();
  for (const [word] of text.toLowerCase().matchAll(WORD)) {
    if (STOP_WORDS.has(word)) continue;
    terms.add(word.slice(0, MAX_TERM_CHARS));
    if (terms.size === MAX_TERMS) break;
  }
  return [...terms];
}

/** Whether a word of a document answers a query term (shared by the snippet and the memory index). */
export function termStem(term: string): string {
  if (term.length > 4 && term.endsWith('ies')) return term.slice(0, -3);
  if (term.length > 3 && term.endsWith('s') && !/(?:ss|us|is)$/.test(term))
    return term.slice(0, -1);
  return term;
}
