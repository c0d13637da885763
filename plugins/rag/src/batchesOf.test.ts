import { describe, expect, it } from 'vitest';
import { batchesOf } from './batchesOf.js';

const doc = (id: number, bodyChars = 10) => ({
  id: `d${id}`,
  title: 't',
  body: 'b'.repeat(bodyChars),
});

describe('batchesOf', () => {
  it('cuts at 100 documents', () => {
    const sizes = [...batchesOf(Array.from({ length: 250 }, (_, i) => doc(i)))].map(
      (b) => b.length,
    );
    expect(sizes).toEqual([100, 100, 50]);
  });

  it('cuts before a batch would pass a million characters, and yields nothing for nothing', () => {
    const sizes = [...batchesOf(Array.from({ length: 25 }, (_, i) => doc(i, 99_999)))].map(
      (b) => b.length,
    );
    expect(sizes).toEqual([10, 10, 5]);
    expect([...batchesOf([])]).toEqual([]);
  });
});
