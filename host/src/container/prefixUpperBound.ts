const MAX_CODE_POINT = 0x10ffff;

/**
 * The least string above every string that starts with `prefix`, in code point order (how
 * SQLite's binary and PostgreSQL's "C" collation compare UTF-8 text), or null when there is
 * none (an empty prefix, or one of U+10FFFF only). `key >= prefix and key < bound` is then
 * exactly "starts with prefix", and a B-tree index serves it as a range.
 */
export function prefixUpperBound(prefix: string): string | null {
  const points = [...prefix].map((char) => char.codePointAt(0) ?? 0);
  while (points.length > 0) {
    const last = points.pop() ?? 0;
    if (last === MAX_CODE_POINT) continue;
    // Surrogates are never stored (the store refuses them): step over their range.
    const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
    return String.fromCodePoint(...points, next);
  }
  return null;
}
