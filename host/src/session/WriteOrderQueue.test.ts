import { describe, expect, it } from 'vitest';
import { WriteOrderQueue } from './WriteOrderQueue.js';

function drain(queue: WriteOrderQueue): Array<[string, number]> {
  const items: Array<[string, number]> = [];
  for (let id = queue.headId(); id !== undefined; id = queue.headId()) {
    items.push([id, queue.headSeq()]);
    queue.shift();
  }
  return items;
}

describe('WriteOrderQueue', () => {
  it('answers items oldest first, also across its own compaction', () => {
    const queue = new WriteOrderQueue();
    for (let i = 0; i < 5000; i += 1) queue.push(`id-${i}`, i);
    for (let i = 0; i < 3000; i += 1) queue.shift();
    queue.push('late', 5000);
    expect(queue.length).toBe(2001);
    const items = drain(queue);
    expect(items[0]).toEqual(['id-3000', 3000]);
    expect(items.at(-1)).toEqual(['late', 5000]);
    expect(queue.headId()).toBeUndefined();
    expect(queue.headSeq()).toBe(-1);
  });

  it('rebuilds from the live items, ordered by sequence number', () => {
    const queue = new WriteOrderQueue();
    queue.push('stale', 1);
    queue.rebuild([
      ['b', 9],
      ['a', 4],
    ]);
    expect(drain(queue)).toEqual([
      ['a', 4],
      ['b', 9],
    ]);
  });
});
