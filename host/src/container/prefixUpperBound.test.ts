import { describe, expect, it } from 'vitest';
import { prefixUpperBound } from './prefixUpperBound.js';

const startsWithByRange = (key: string, prefix: string): boolean => {
  const bound = prefixUpperBound(prefix);
  const utf8 = (text: string) => Buffer.from(text, 'utf8');
  return (
    Buffer.compare(utf8(key), utf8(prefix)) >= 0 &&
    (bound === null || Buffer.compare(utf8(key), utf8(bound)) < 0)
  );
};

describe('prefixUpperBound', () => {
  it('raises the last code point', () => {
    expect(prefixUpperBound('ab')).toBe('ac');
    expect(prefixUpperBound('a%')).toBe('a&');
    expect(prefixUpperBound('a\\')).toBe('a]');
    expect(prefixUpperBound('😀')).toBe('😁');
  });

  it('carries over U+10FFFF, steps over surrogates, and has no bound for nothing', () => {
    expect(prefixUpperBound('a\u{10FFFF}')).toBe('b');
    expect(prefixUpperBound('\u{10FFFF}\u{10FFFF}')).toBeNull();
    expect(prefixUpperBound('')).toBeNull();
    expect(prefixUpperBound('a\uD7FF')).toBe('a\uE000');
  });

  it('selects exactly the keys that start with the prefix, by UTF-8 byte order', () => {
    const keys = ['a', 'a\u{10FFFF}', 'a\u{10FFFF}z', 'ab', 'a~', 'b', '`', 'a\uFFFF', 'a😀'];
    for (const prefix of ['a', 'a\u{10FFFF}', 'a\uFFFF', '', 'b', 'a😀']) {
      for (const key of keys) {
        expect(startsWithByRange(key, prefix), `${key} / ${prefix}`).toBe(key.startsWith(prefix));
      }
    }
  });
});
