import { describe, expect, it } from 'vitest';
import { noteKey, sequenceOf } from './noteKeys.js';

describe('noteKeys', () => {
  it('pads the sequence so keys sort newest first', () => {
    expect(noteKey('s1', 7)).toBe('session:s1:999999999992');
    const keys = [noteKey('s1', 10), noteKey('s1', 9), noteKey('s1', 100)].sort();
    expect(keys.map((key) => sequenceOf(key, 's1'))).toEqual([100, 10, 9]);
  });

  it('refuses keys of another session, even one whose id starts with this one', () => {
    expect(noteKey('a:b', 1).startsWith('session:a:')).toBe(false);
    expect(sequenceOf(noteKey('a:b', 1), 'a')).toBeNull();
    expect(sequenceOf(noteKey('a', 3), 'a')).toBe(3);
    expect(sequenceOf('other:a:999999999998', 'a')).toBeNull();
  });
});
