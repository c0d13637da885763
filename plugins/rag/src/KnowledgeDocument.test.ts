import { describe, expect, it } from 'vitest';
import { toKnowledgeDocument, toStoredValue } from './KnowledgeDocument.js';

describe('toKnowledgeDocument', () => {
  it('accepts a document with or without tags', () => {
    expect(toKnowledgeDocument({ id: 'a.b_c-1', title: 'T', body: 'B' })).toEqual({
      id: 'a.b_c-1',
      title: 'T',
      body: 'B',
    });
    expect(toKnowledgeDocument({ id: 'a', title: 'T', body: 'B', tags: ['x'] })).toEqual({
      id: 'a',
      title: 'T',
      body: 'B',
      tags: ['x'],
    });
  });

  it('refuses anything else', () => {
    for (const value of [
      null,
      [],
      'doc',
      { id: 'has space', title: 'T', body: 'B' },
      { id: 'x'.repeat(65), title: 'T', body: 'B' },
      { id: 'a', title: 1, body: 'B' },
      { id: 'a', title: 'T' },
      { id: 'a', title: 'T', body: 'B', tags: [1] },
    ]) {
      expect(toKnowledgeDocument(value)).toBeNull();
    }
  });
});

describe('toStoredValue', () => {
  it('copies a document without tags as a plain object without tags', () => {
    expect(toStoredValue({ id: 'a', title: 'T', body: 'B' })).toEqual({
      id: 'a',
      title: 'T',
      body: 'B',
    });
  });
});
