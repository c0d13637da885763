import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../manifests/Manifest.js';
import { readPluginPackage } from './readPluginPackage.js';

function pluginsDirWith(folder: string, pkg: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'toolhost-plugins-'));
  mkdirSync(join(dir, folder), { recursive: true });
  writeFileSync(
    join(dir, folder, 'package.json'),
    typeof pkg === 'string' ? pkg : JSON.stringify(pkg),
  );
  return dir;
}

const manifest = (source: Manifest['source']): Manifest => ({ name: 'p', enabled: true, source });

describe('readPluginPackage', () => {
  it('finds the entry through exports, main or index.js', async () => {
    for (const [pkg, entry] of [
      [{ exports: './dist/x.js' }, 'dist/x.js'],
      [{ exports: { '.': { import: './esm.js', require: './cjs.cjs' } } }, 'esm.js'],
      [{ main: 'main.js' }, 'main.js'],
      [{}, 'index.js'],
    ] as const) {
      const dir = pluginsDirWith('p', {
        name: '@a/p',
        version: '2.0.0',
        toolhost: { sdk: '^1.0.0' },
        ...pkg,
      });
      const found = await readPluginPackage(manifest({ path: 'p' }), dir);
      expect(found).toMatchObject({
        packageName: '@a/p',
        version: '2.0.0',
        entry: join(dir, 'p', entry),
      });
    }
  });

  it.each([
    [
      'an SDK range the host does not satisfy',
      { toolhost: { sdk: '>=2' } },
      'TOOLHOST_ERR_SDK_INCOMPATIBLE',
    ],
    ['no toolhost.sdk', { name: 'x' }, 'TOOLHOST_ERR_PLUGIN_INVALID'],
    [
      'a range that is not semver',
      { toolhost: { sdk: 'latest-ish' } },
      'TOOLHOST_ERR_PLUGIN_INVALID',
    ],
    ['a package.json that is not JSON', '{', 'TOOLHOST_ERR_PLUGIN_INVALID'],
  ])('refuses %s', async (_label, pkg, code) => {
    const dir = pluginsDirWith('p', pkg);
    await expect(readPluginPackage(manifest({ path: 'p' }), dir)).rejects.toMatchObject({ code });
  });

  it('refuses a relative source path that leaves the plugins dir', async () => {
    const dir = pluginsDirWith('p', { toolhost: { sdk: '^1.0.0' } });
    await expect(
      readPluginPackage(manifest({ path: '../elsewhere' }), join(dir, 'p')),
    ).rejects.toThrow('source.path "../elsewhere" leaves the plugins dir');
  });

  it('finds an installed registry package in its versioned folder and checks the pinned version', async () => {
    const dir = pluginsDirWith('installed/@acme+tool@1.4.2', {
      version: '1.4.2',
      toolhost: { sdk: '^1.0.0' },
    });
    const source = { package: '@acme/tool', version: '1.4.2' };
    await expect(readPluginPackage(manifest(source), dir)).resolves.toMatchObject({
      dir: join(dir, 'installed', '@acme+tool@1.4.2'),
      version: '1.4.2',
    });
    // Never from plugins/node_modules, where the host once looked, unverified.
    const legacy = pluginsDirWith('node_modules/@acme/tool', {
      version: '1.4.2',
      toolhost: { sdk: '^1.0.0' },
    });
    await expect(readPluginPackage(manifest(source), legacy)).rejects.toThrow('does not exist');
    const other = pluginsDirWith('installed/@acme+tool@1.5.0', {
      version: '1.4.2',
      toolhost: { sdk: '^1.0.0' },
    });
    await expect(
      readPluginPackage(manifest({ ...source, version: '1.5.0' }), other),
    ).rejects.toThrow('installed @acme/tool is 1.4.2, the manifest pins 1.5.0');
  });
});
