import { describe, expect, it } from 'vitest';
import { describeMcpTools, toolhostNameOf } from './describeMcpTools.js';

describe('describeMcpTools', () => {
  it.each([
    ['search', 'search'],
    ['get-Weather', 'get_weather'],
    ['fs.read', 'fs_read'],
    ['9lives', 't_9lives'],
    ['x'.repeat(70), null],
  ])('names %s as %s', (name, expected) => {
    expect(toolhostNameOf(name)).toBe(expected);
  });

  it('keeps the upstream names, maps hints, drops $schema, leaves out what it cannot serve', () => {
    const map = describeMcpTools('outside', [
      {
        name: 'get-Weather',
        description: 'Weather',
        inputSchema: { type: 'object', $schema: 'http://json-schema.org/draft-07/schema#' },
        annotations: { readOnlyHint: true, idempotentHint: false },
      },
      { name: 'get_weather', inputSchema: { type: 'object' } },
      { name: 'odd', inputSchema: { type: 'object', properties: { a: { type: 'nonsense' } } } },
    ]);
    expect(map.upstream).toEqual(new Map([['get_weather', 'get-Weather']]));
    expect(map.description.tools['get_weather']).toEqual({
      description: 'Weather',
      inputSchema: { type: 'object' },
      annotations: { readOnly: true, idempotent: false },
    });
    expect(map.skipped).toHaveLength(2);
    expect(map.skipped[0]).toMatch(/^get_weather: its name/);
    expect(map.skipped[1]).toMatch(/^odd: .*inputSchema/);
  });
});
