import { describe, expect, it } from 'vitest';
import { productionDependencies, resolvedElsewhere } from './installDependencies.js';

const REGISTRY = 'http://127.0.0.1:4873/';

describe('production dependencies', () => {
  it('are dependencies and optionalDependencies, never dev or peer ones, and never the SDK', () => {
    expect(
      productionDependencies(
        {
          dependencies: { minisearch: '7.2.0', '@toolhost/plugin-sdk': '^1.0.0' },
          optionalDependencies: { tiny: 'latest' },
          devDependencies: { typescript: '6.0.3' },
          peerDependencies: { '@toolhost/plugin-sdk': '^1.0.0' },
        },
        'x@1.0.0',
      ),
    ).toEqual({ minisearch: '7.2.0', tiny: 'latest' });
  });

  it.each([
    'file:../../etc',
    'git+https://example.com/evil.git',
    'https://example.com/evil.tgz',
    'github:someone/evil',
    'someone/evil',
    'npm:other@1.0.0',
    'link:../x',
  ])('refuse %s, which npm would fetch from elsewhere than the registry', (spec) => {
    expect(() => productionDependencies({ dependencies: { evil: spec } }, 'x@1.0.0')).toThrow(
      `its dependency evil is ${JSON.stringify(spec)}, not a version range of the registry`,
    );
  });
});

describe('resolvedElsewhere', () => {
  const lock = (packages: Record<string, unknown>) =>
    JSON.stringify({ lockfileVersion: 3, packages });

  it('accepts a tree resolved from the registry', () => {
    expect(
      resolvedElsewhere(
        lock({ '': { name: 'x' }, 'node_modules/a': { resolved: `${REGISTRY}a/-/a-1.0.0.tgz` } }),
        REGISTRY,
      ),
    ).toBeNull();
  });

  it.each([
    [
      { resolved: 'git+ssh://git@example.com/evil.git#abc' },
      'node_modules/a (from git+ssh://git@example.com/evil.git#abc)',
    ],
    [
      { resolved: 'https://registry.example.com/a/-/a-1.0.0.tgz' },
      'node_modules/a (from https://registry.example.com/a/-/a-1.0.0.tgz)',
    ],
    [{ link: true, resolved: '../a' }, 'node_modules/a (a link)'],
    [{}, 'node_modules/a (from nowhere recorded)'],
  ])('names a package resolved elsewhere: %j', (entry, found) => {
    expect(resolvedElsewhere(lock({ '': {}, 'node_modules/a': entry }), REGISTRY)).toBe(found);
  });
});
