import { describe, expect, it } from 'vitest';
import { findUnstorableText } from './findUnstorableText.js';

const check = (json: string) => findUnstorableText(json, JSON.parse(json));

describe('findUnstorableText', () => {
  it.each([
    ['{"text":"a\\u0000b"}', 'text'],
    ['{"text":"lone \\ud800 high"}', 'text'],
    ['{"text":"lone \\uDFFF low"}', 'text'],
    ['{"input":{"notes":["ok","\\udc00"]}}', 'input.notes.1'],
    ['{"input":{"k\\u0000ey":"v"}}', 'input.k\u0000ey'],
    ['"\\u0000"', '(root)'],
    ['{"text":"pair reversed \\ude00\\ud83d"}', 'text'],
  ])('finds %s at %s', (json, field) => {
    expect(check(json)).toBe(field);
  });

  it.each([
    '{"text":"plain"}',
    // A pair written as escapes, as Python's json.dumps writes emoji: one valid code point.
    '{"text":"smile \\ud83d\\ude00"}',
    '{"text":"smile 😀"}',
    // An escaped backslash followed by text that only looks like an escape.
    '{"text":"C:\\\\u0000 and \\\\ud800"}',
    '{"n":1,"list":[true,null,{"deep":"\\u00e9"}]}',
  ])('lets %s through', (json) => {
    expect(check(json)).toBeNull();
  });
});
