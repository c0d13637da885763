import { describe, expect, it } from 'vitest';
import { createSearchIndex, processTerm } from './createSearchIndex.js';

describe('processTerm', () => {
  it('drops words that carry no meaning in a question', () => {
    expect(['How', 'do', 'I', 'get', 'my'].map(processTerm)).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it('lowercases and folds plain plurals, leaving words that only end in s alone', () => {
    expect(
      ['Refunds', 'deliveries', 'address', 'status', 'analysis', '2FA'].map(processTerm),
    ).toEqual(['refund', 'delivery', 'address', 'status', 'analysis', '2fa']);
  });
});

describe('createSearchIndex', () => {
  it('weighs a match in the title above the same match in a body', () => {
    const index = createSearchIndex();
    index.add({ id: 'body', title: 'Account', body: 'Invoices are listed here.' });
    index.add({ id: 'title', title: 'Invoices', body: 'Listed under Account.' });
    expect(index.search('invoice').map((hit) => hit.id)).toEqual(['title', 'body']);
  });
});
