import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extract } from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import { isHostError } from '../errors.js';
import { extractTarball } from './extractTarball.js';
import { inspectTarball } from './inspectTarball.js';
import { TARBALL_LIMITS } from './tarballLimits.js';
import { packageJsonEntry, rawTarball, type RawEntry } from './testing/rawTarball.js';

/** The two passes as the installer runs them, into a fresh folder inside a fresh root. */
async function unpack(entries: readonly RawEntry[], limits = TARBALL_LIMITS) {
  const root = mkdtempSync(join(tmpdir(), 'toolhost-unpack-'));
  scratch.push(root);
  const dest = join(root, 'staging', 'pkg');
  const tgz = rawTarball(entries);
  const error = await inspectTarball(tgz, 'pkg@1.0.0', limits)
    .then((inspected) => extractTarball(tgz, dest, inspected, 'pkg@1.0.0', limits))
    .then(
      () => null,
      (e: unknown) => e,
    );
  return { root, dest, error };
}

/** tar on its own, as a careless installer would call it (strip the package/ folder). */
async function tarAlone(entries: readonly RawEntry[]) {
  const root = mkdtempSync(join(tmpdir(), 'toolhost-tar-alone-'));
  scratch.push(root);
  const dest = join(root, 'pkg');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(dest);
  const file = join(root, 'p.tgz');
  writeFileSync(file, rawTarball(entries));
  await extract({ file, cwd: dest, strip: 1 });
  return { root, dest };
}

const pkg = packageJsonEntry();
const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('the safe unpack refuses a hostile tarball whole, writing nothing', () => {
  it.each<[string, RawEntry[], string]>([
    ['a ../ entry', [pkg, { path: 'package/../../escaped.js', data: 'x' }], "'..' in its path"],
    [
      'a ../ in the middle',
      [pkg, { path: 'package/dist/../../x.js', data: 'x' }],
      "'..' in its path",
    ],
    ['an absolute path', [pkg, { path: '/tmp/absolute.js', data: 'x' }], 'an absolute path'],
    [
      'a symlink to /etc/passwd',
      [pkg, { path: 'package/index.js', type: 'SymbolicLink', linkpath: '/etc/passwd' }],
      'a symlink to "/etc/passwd" (only files and folders are allowed)',
    ],
    [
      'a symlink to its parent, then a file through it',
      [
        pkg,
        { path: 'package/up', type: 'SymbolicLink', linkpath: '..' },
        { path: 'package/up/x', data: 'x' },
      ],
      'a symlink to ".."',
    ],
    [
      'a hard link',
      [pkg, { path: 'package/passwd', type: 'Link', linkpath: '/etc/passwd' }],
      'a hard link to "/etc/passwd"',
    ],
    ['a FIFO', [pkg, { path: 'package/pipe', type: 'FIFO' }], 'of type FIFO'],
    [
      'a device',
      [pkg, { path: 'package/tty', type: 'CharacterDevice' }],
      'of type CharacterDevice',
    ],
    [
      'an entry outside package/',
      [pkg, { path: 'other/x.js', data: 'x' }],
      'outside the package/ folder',
    ],
    [
      'a duplicate entry',
      [pkg, { path: 'package/a.js', data: '1' }, { path: 'package/a.js', data: '2' }],
      'it appears twice',
    ],
    ['no package.json', [{ path: 'package/index.js', data: 'x' }], 'it is missing'],
    ['a backslash', [pkg, { path: 'package/a\\..\\b.js', data: 'x' }], 'a backslash in its path'],
  ])('%s', async (_label, entries, reason) => {
    const { root, dest, error } = await unpack(entries);
    expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_TARBALL_UNSAFE');
    expect((error as Error).message).toContain(reason);
    expect(existsSync(dest)).toBe(false);
    expect(readdirSync(root)).toEqual([]);
  });

  it('refuses a file over the file limit at its header (17 MiB of zeros is a 17 kB tarball)', async () => {
    const { error, dest } = await unpack([
      pkg,
      { path: 'package/zeros.bin', size: 17 * 1024 * 1024 },
    ]);
    expect((error as Error).message).toContain(
      '17825792 bytes is over the 16777216-byte file limit',
    );
    expect(existsSync(dest)).toBe(false);
  });

  it('refuses more entries than the limit', async () => {
    const limits = { ...TARBALL_LIMITS, maxEntries: 3 };
    const files = [1, 2, 3, 4].map((n) => ({ path: `package/f${n}.js`, data: 'x' }));
    const { error } = await unpack([pkg, ...files], limits);
    expect((error as Error).message).toContain('more than 3 entries');
  });

  it('refuses what is not a tarball', async () => {
    const error = await inspectTarball(
      Buffer.from('not a tarball at all'),
      'pkg@1.0.0',
      TARBALL_LIMITS,
    ).catch((e: unknown) => e);
    expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_TARBALL_UNSAFE');
  });

  it('writes a good package exactly, with setuid and world-writable bits dropped', async () => {
    const { dest, error } = await unpack([
      pkg,
      { path: 'package/dist/index.js', data: 'export default 1;\n' },
      { path: 'package/bin/tool', data: '#!/bin/sh\n', mode: 0o4777 },
    ]);
    expect(error).toBeNull();
    expect(readFileSync(join(dest, 'dist/index.js'), 'utf8')).toBe('export default 1;\n');
    expect(statSync(join(dest, 'bin/tool')).mode & 0o7777).toBe(0o755);
    expect(statSync(join(dest, 'package.json')).mode & 0o7777).toBe(0o644);
  });
});

describe('the same fixtures against tar on its own (they are hostile: it lets them through)', () => {
  it('creates the symlink', async () => {
    const { dest } = await tarAlone([
      pkg,
      { path: 'package/index.js', type: 'SymbolicLink', linkpath: '/etc/passwd' },
    ]);
    expect(lstatSync(join(dest, 'index.js')).isSymbolicLink()).toBe(true);
  });

  it('keeps the setuid bit', async () => {
    const { dest } = await tarAlone([pkg, { path: 'package/tool', data: 'x', mode: 0o4755 }]);
    expect(statSync(join(dest, 'tool')).mode & 0o4000).toBe(0o4000);
  });
});
