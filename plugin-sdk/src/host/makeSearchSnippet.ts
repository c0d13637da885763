import { termStem } from './searchTerms.js';

const TOKEN = /[\p{L}\p{N}]+/gu;
const MAX_CHARS = 200;

/**
 * About 200 characters of `body` around the first word that starts with the stem of one of
 * `terms` (or its opening when none does), on word boundaries, with `…` where it was cut.
 */
export function makeSearchSnippet(body: string, terms: readonly string[]): string {
  const text = body.replace(/\s+/g, ' ').trim();
  if (text.length <= MAX_CHARS) return text;
  const stems = terms.map(termStem);
  let hit = 0;
  for (const match of text.matchAll(TOKEN)) {
    const word = match[0].toLowerCase();
    if (stems.some((stem) => word.startsWith(stem))) {
      hit = match.index;
      break;
    }
  }
  // The matched word sits a third of the way in; cutting only a few characters off the
  // opening would cost an ellipsis and gain nothing.
  const lead = Math.floor(MAX_CHARS * 0.3);
  let start = hit - lead < lead / 3 ? 0 : hit - lead;
  const end = Math.min(text.length, start + MAX_CHARS);
  start = Math.max(0, Math.min(start, end - MAX_CHARS));
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
