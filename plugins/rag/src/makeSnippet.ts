// The complement of MiniSearch's tokenizer (space or punctuation), so the terms it
// reports as matched are found again in the text.
const TOKEN = /[^\n\r\p{Z}\p{P}]+/gu;

export interface SnippetOptions {
  /** Turns a word of the body into the form `terms` are in (the index's term processing). */
  normalize?: (token: string) => string | null;
  maxLength?: number;
}

/**
 * About `maxLength` characters of `body` around the first word that normalizes to one of
 * `terms` (or its opening when none does), on word boundaries, with `…` where it was cut.
 */
export function makeSnippet(
  body: string,
  terms: Iterable<string>,
  options: SnippetOptions = {},
): string {
  const { normalize = (token: string) => token.toLowerCase(), maxLength = 200 } = options;
  const text = body.replace(/\s+/g, ' ').trim();
  if (text.length <= maxLength) return text;
  const wanted = new Set(terms);
  let hit = 0;
  for (const match of text.matchAll(TOKEN)) {
    const term = normalize(match[0]);
    if (term !== null && wanted.has(term)) {
      hit = match.index;
      break;
    }
  }
  // The matched word sits a third of the way in; cutting only a few characters off the
  // opening would cost an ellipsis and gain nothing.
  const lead = Math.floor(maxLength * 0.3);
  let start = hit - lead < lead / 3 ? 0 : hit - lead;
  const end = Math.min(text.length, start + maxLength);
  start = Math.max(0, Math.min(start, end - maxLength));
  if (start > 0) {
    const space = text.indexOf(' ', start);
    if (space !== -1 && space < hit) start = space + 1;
  }
  let stop = end;
  if (stop < text.length) {
    const space = text.lastIndexOf(' ', stop);
    if (space > start) stop = space;
  }
  return `${start > 0 ? '…' : ''}${text.slice(start, stop)}${stop < text.length ? '…' : ''}`;
}
