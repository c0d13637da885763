import { describe, expect, it } from 'vitest';
import { noteKey, sequenceOf } from './noteKeys.js';

describe('noteKeys', () => {
  it('pads the sequence so keys sort in the order notes were taken', () => {
    expect(noteKey('s1', 7)).toBe('session:s1:000000000007');
    const keys = [noteKey('s1', 10), noteKey('s1', 9), noteKey('s1', 100)].sort();
    expect(keys.map((key) => sequenceOf(key, 's1'))).toEqual([9, 10, 100]);
  });

  it('refuses keys of a session whose id starts with this one', () => {
    expect(sequenceOf(noteKey('a:b', 1), 'a')).toBeNull();
    expect(sequenceOf(noteKey('a:000000000001', 2), 'a')).toBeNull();
    expect(sequenceOf(noteKey('a', 3), 'a')).toBe(3);
    expect(sequenceOf('other:a:000000000001', 'a')).toBeNull();
  });
});
