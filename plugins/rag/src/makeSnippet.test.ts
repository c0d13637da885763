import { describe, expect, it } from 'vitest';
import { makeSnippet } from './makeSnippet.js';

const words = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `word${from + i}`).join(' ');

describe('makeSnippet', () => {
  it('answers a short body whole, with whitespace collapsed', () => {
    expect(makeSnippet('Refunds  take\n5 days.', ['refunds'])).toBe('Refunds take 5 days.');
  });

  it('cuts about 200 characters around the first matched term, on word boundaries', () => {
    const body = `${words(0, 40)} Refund issued here. ${words(100, 40)}`;
    const snippet = makeSnippet(body, ['refund']);
    expect(snippet).toMatch(/^…word\d+ /);
    expect(snippet).toMatch(/ word\d+…$/);
    expect(snippet).toContain('Refund issued here.');
    expect(snippet.length).toBeLessThanOrEqual(202);
    expect(snippet.indexOf('Refund')).toBeGreaterThan(40);
  });

  it('matches whole tokens only, ignoring case', () => {
    const body = `${words(0, 60)} prefund REFUND ${words(100, 30)}`;
    const snippet = makeSnippet(body, ['refund']);
    expect(snippet).toContain('REFUND');
  });

  it('compares words after the index normalization, so a plural finds its singular term', () => {
    const body = `${words(0, 60)} Refunds arrive later. ${words(100, 30)}`;
    const normalize = (token: string) => token.toLowerCase().replace(/s$/, '');
    expect(makeSnippet(body, ['refund'], { normalize })).toContain('Refunds arrive later.');
    expect(makeSnippet(body, ['refund'])).not.toContain('Refunds');
  });

  it('honours maxLength', () => {
    expect(makeSnippet(words(0, 80), [], { maxLength: 50 }).length).toBeLessThanOrEqual(51);
  });

  it('keeps the opening when the term is only a few words in', () => {
    const snippet = makeSnippet(`You can return most items for a full refund. ${words(0, 60)}`, [
      'refund',
    ]);
    expect(snippet.startsWith('You can return')).toBe(true);
  });

  it('opens at the start of the body when no term occurs in it', () => {
    const snippet = makeSnippet(words(0, 80), ['absent']);
    expect(snippet.startsWith('word0 word1')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
  });

  it('ends at the end of the body when the term is near it', () => {
    const body = `${words(0, 80)} refund`;
    const snippet = makeSnippet(body, ['refund']);
    expect(snippet.endsWith('refund')).toBe(true);
    expect(snippet.startsWith('…')).toBe(true);
  });
});
