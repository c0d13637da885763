import { lstat, mkdir, readdir } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import { Unpack, type ReadEntry } from 'tar';
import { HostError } from '../errors.js';
import { PACKAGE_ROOT, type InspectedTarball } from './inspectTarball.js';
import type { TarballLimits } from './tarballLimits.js';

function unsafe(label: string, entry: string, reason: string): HostError {
  return new HostError('TOOLHOST_ERR_TARBALL_UNSAFE', {
    package: label,
    entry: JSON.stringify(entry),
    reason,
  });
}

/** Every entry on disk under `root`, by its `/`-separated relative path. */
async function onDisk(
  root: string,
): Promise<Map<string, { dir: boolean; file: boolean; size: number }>> {
  const found = new Map<string, { dir: boolean; file: boolean; size: number }>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const stats = await lstat(path);
    found.set(relative(root, path).split(sep).join('/'), {
      dir: stats.isDirectory(),
      file: stats.isFile(),
      size: stats.size,
    });
  }
  return found;
}

/**
 * Pass 2 of the safe unpack: writes exactly the inspected entries of `tgz` into the empty
 * folder `dest`, with tar's own guards on as well (strict, no owners, no mtimes), and with
 * modes normalised to 0755/0644 (tar keeps setuid bits otherwise). Then checks that the
 * folder holds exactly what was inspected.
 * @throws HostError `TOOLHOST_ERR_TARBALL_UNSAFE` when tar or the check finds anything else.
 */
export async function extractTarball(
  tgz: Buffer,
  dest: string,
  inspected: InspectedTarball,
  label: string,
  limits: TarballLimits,
): Promise<void> {
  await mkdir(dest, { recursive: true });
  if ((await readdir(dest)).length > 0) throw new Error(`${dest} is not empty`);
  const warnings: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const unpack = new Unpack({
      cwd: dest,
      strip: 1,
      strict: true,
      preserveOwner: false,
      preservePaths: false,
      noMtime: true,
      unlink: true,
      maxDepth: limits.maxDepth + 1,
      maxDecompressionRatio: limits.maxDecompressionRatio,
      filter: (path, entry) => {
        const readEntry = entry as ReadEntry;
        const inner = path.startsWith(PACKAGE_ROOT)
          ? posix.normalize(path.slice(PACKAGE_ROOT.length)).replace(/\/$/, '')
          : null;
        const expected = inner === null ? undefined : inspected.get(inner);
        if (expected === undefined) return false;
        const dir = readEntry.type === 'Directory';
        if (dir !== (expected.type === 'Directory')) return false;
        readEntry.mode = dir || ((readEntry.mode ?? 0) & 0o100) !== 0 ? 0o755 : 0o644;
        return true;
      },
      onwarn: (code, message) => warnings.push(`${code}: ${message}`),
    });
    unpack.on('error', reject);
    unpack.on('close', () => resolve());
    unpack.end(tgz);
  }).catch((error: unknown) => {
    throw unsafe(label, '(archive)', (error as Error).message);
  });
  if (warnings.length > 0) throw unsafe(label, '(archive)', warnings.join('; '));

  // npm packs no folder entries, so tar makes the parents of each file itself.
  const parents = new Set<string>();
  for (const path of inspected.keys()) {
    for (let at = path.indexOf('/'); at !== -1; at = path.indexOf('/', at + 1)) {
      parents.add(path.slice(0, at));
    }
  }
  const written = await onDisk(dest);
  for (const [path, found] of written) {
    const expected = inspected.get(path);
    if (found.dir && (parents.has(path) || expected?.type === 'Directory')) continue;
    if (expected?.type !== 'File' || !found.file || found.size !== expected.size) {
      throw unsafe(label, `${PACKAGE_ROOT}${path}`, 'what was written differs from the archive');
    }
  }
  for (const [path, expected] of inspected) {
    if (expected.type === 'File' && !written.has(path)) {
      throw unsafe(label, `${PACKAGE_ROOT}${path}`, 'it was not written');
    }
  }
}
