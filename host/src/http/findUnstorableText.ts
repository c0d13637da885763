/**
 * JSON text can carry what no store keeps: `\u0000` and unpaired surrogates (`\ud800`)
 * parse into JS strings that PostgreSQL refuses (jsonb, text) and that would fail deep
 * inside a tool. A valid pair written as escapes (`\ud83d\ude00`, as Python's json.dumps
 * writes emoji) is fine. Only bodies whose text has such an escape at all are walked.
 */
const SUSPECT_ESCAPE = /\\u(?:0000|d[89a-f])/i;

// With the u flag a proper pair is one code point; only a lone surrogate is \p{Cs}.
const LONE_SURROGATE = /\p{Cs}/u;

function unstorable(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

function walk(value: unknown, path: string[]): string[] | null {
  if (typeof value === 'string') return unstorable(value) ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = walk(value[i], [...path, String(i)]);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (unstorable(key)) return [...path, key];
      const found = walk(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/**
 * The field (`input.note`, `(root)`) of the first string or key in `value` that holds a NUL
 * character or an unpaired surrogate, or null when there is none. `text` is the JSON it was
 * parsed from, checked first so that ordinary bodies are never walked.
 */
export function findUnstorableText(text: string, value: unknown): string | null {
  if (!SUSPECT_ESCAPE.test(text)) return null;
  const path = walk(value, []);
  if (path === null) return null;
  return path.length === 0 ? '(root)' : path.join('.');
}
