import { describe, expect, it } from 'vitest';
import { parsePackageSpec } from './parsePackageSpec.js';
import { readToolhostFields } from './readToolhostFields.js';

describe('parsePackageSpec', () => {
  it.each([
    ['@acme/plugin-x', { name: '@acme/plugin-x', range: 'latest' }],
    ['@acme/plugin-x@^1.2.0', { name: '@acme/plugin-x', range: '^1.2.0' }],
    ['plugin-x@1.0.0', { name: 'plugin-x', range: '1.0.0' }],
    ['plugin-x@next', { name: 'plugin-x', range: 'next' }],
  ])('reads %s', (spec, parsed) => {
    expect(parsePackageSpec(spec)).toEqual(parsed);
  });

  it.each([
    'git+https://example.com/x.git',
    'file:../x',
    'https://example.com/x.tgz',
    '@acme/x@npm:other@1',
    '../x',
    'X',
    '@acme/x@',
  ])('refuses %s, which would fetch from somewhere else', (spec) => {
    expect(() => parsePackageSpec(spec)).toThrow(/TOOLHOST|is not an installable toolhost plugin/);
  });
});

describe('readToolhostFields', () => {
  it('takes toolhost.name, or derives the plugin name from the package name', () => {
    expect(
      readToolhostFields({ name: '@acme/plugin-billing', toolhost: { sdk: '^1.0.0' } }, 'x'),
    ).toEqual({
      sdkRange: '^1.0.0',
      pluginName: 'billing',
    });
    expect(
      readToolhostFields({ name: 'toolhost-plugin-crm2', toolhost: { sdk: '^1' } }, 'x').pluginName,
    ).toBe('crm2');
    expect(
      readToolhostFields({ name: '@acme/x', toolhost: { sdk: '^1', name: 'orders' } }, 'x')
        .pluginName,
    ).toBe('orders');
  });

  it.each([
    [{ name: '@acme/x' }, 'no valid "toolhost.sdk"'],
    [{ name: '@acme/x', toolhost: { sdk: 'whenever' } }, 'no valid "toolhost.sdk"'],
    [{ name: '@acme/x', toolhost: { sdk: '^1', name: '../crm' } }, 'set "toolhost.name"'],
    [{ name: '@acme/9lives', toolhost: { sdk: '^1' } }, 'set "toolhost.name"'],
  ])('refuses %j', (pkg, message) => {
    expect(() => readToolhostFields(pkg, '@acme/x@1.0.0')).toThrow(message);
  });
});
