import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareFiles, digestFiles, digestOfDigests } from './fileDigest.js';

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

function pluginFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'toolhost-digest-'));
  scratch.push(dir);
  mkdirSync(join(dir, 'dist'));
  mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"name":"p"}');
  writeFileSync(join(dir, 'dist', 'index.js'), 'export default 1;\n');
  writeFileSync(join(dir, 'node_modules', 'dep', 'index.js'), 'module.exports = 2;\n');
  return dir;
}

describe('file digests', () => {
  it('cover every file, dependencies included, by relative path', async () => {
    const digests = await digestFiles(pluginFolder());
    expect(Object.keys(digests).sort()).toEqual([
      'dist/index.js',
      'node_modules/dep/index.js',
      'package.json',
    ]);
    expect(digests['package.json']).toMatch(/^sha256-[A-Za-z0-9+/]{43}=$/);
  });

  it('find nothing when nothing changed, and their digest of digests is stable', async () => {
    const dir = pluginFolder();
    const digests = await digestFiles(dir);
    expect(await compareFiles(dir, digests)).toBeNull();
    expect(digestOfDigests(digests)).toBe(digestOfDigests({ ...digests }));
    expect(digestOfDigests({ ...digests, 'package.json': 'sha256-x' })).not.toBe(
      digestOfDigests(digests),
    );
  });

  it.each([
    [
      'changed',
      (dir: string) => appendFileSync(join(dir, 'dist', 'index.js'), '//'),
      { file: 'dist/index.js', change: 'changed' },
    ],
    [
      'changed, same size',
      (dir: string) => writeFileSync(join(dir, 'dist', 'index.js'), 'export default 2;\n'),
      { file: 'dist/index.js', change: 'changed' },
    ],
    [
      'added',
      (dir: string) => writeFileSync(join(dir, 'dist', 'evil.js'), 'x'),
      { file: 'dist/evil.js', change: 'added' },
    ],
    [
      'removed',
      (dir: string) => rmSync(join(dir, 'node_modules', 'dep', 'index.js')),
      { file: 'node_modules/dep/index.js', change: 'removed' },
    ],
    [
      'replaced by a symlink',
      (dir: string) => {
        rmSync(join(dir, 'dist', 'index.js'));
        symlinkSync('/etc/passwd', join(dir, 'dist', 'index.js'));
      },
      { file: 'dist/index.js', change: 'not a regular file' },
    ],
  ])('name the first file %s', async (_label, edit, difference) => {
    const dir = pluginFolder();
    const digests = await digestFiles(dir);
    edit(dir);
    expect(await compareFiles(dir, digests)).toEqual(difference);
  });

  it('refuse to digest a folder holding a link', async () => {
    const dir = pluginFolder();
    symlinkSync('/etc', join(dir, 'etc'));
    await expect(digestFiles(dir)).rejects.toThrow('etc is not a regular file');
  });
});
