import { posix } from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import { HostError } from '../errors.js';
import type { TarballLimits } from './tarballLimits.js';

/** One entry the unpacker will write, by its path inside the package folder. */
export interface InspectedEntry {
  type: 'File' | 'Directory';
  size: number;
}

/** Every entry of a tarball that passed inspection. */
export type InspectedTarball = ReadonlyMap<string, InspectedEntry>;

/** npm packs every file under this folder. */
export const PACKAGE_ROOT = 'package/';
const FILE_TYPES: ReadonlySet<string> = new Set(['File', 'OldFile', 'ContiguousFile']);

function unsafe(label: string, entry: string, reason: string): HostError {
  return new HostError('TOOLHOST_ERR_TARBALL_UNSAFE', {
    package: label,
    entry: JSON.stringify(entry),
    reason,
  });
}

/** The path inside the package folder (null for the folder itself), or why the raw path is refused. */
export function innerPathOf(
  raw: string,
  limits: TarballLimits,
): string | null | { reason: string } {
  if (raw.includes('\0')) return { reason: 'a NUL byte in its path' };
  if (raw.includes('\\')) return { reason: 'a backslash in its path' };
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) return { reason: 'an absolute path' };
  if (raw.split('/').includes('..')) return { reason: "'..' in its path" };
  if (!raw.startsWith(PACKAGE_ROOT)) return { reason: `outside the ${PACKAGE_ROOT} folder` };
  const inner = posix.normalize(raw.slice(PACKAGE_ROOT.length)).replace(/\/$/, '');
  if (inner === '' || inner === '.') return null;
  if (inner.split('/').length > limits.maxDepth) {
    return { reason: `deeper than ${limits.maxDepth} folders` };
  }
  return inner;
}

function kindOf(entry: ReadEntry): 'File' | 'Directory' | { reason: string } {
  if (FILE_TYPES.has(entry.type)) return 'File';
  if (entry.type === 'Directory') return 'Directory';
  const what =
    entry.type === 'SymbolicLink'
      ? `a symlink to ${JSON.stringify(entry.linkpath ?? '')}`
      : entry.type === 'Link'
        ? `a hard link to ${JSON.stringify(entry.linkpath ?? '')}`
        : `of type ${entry.type}`;
  return { reason: `${what} (only files and folders are allowed)` };
}

/**
 * Pass 1 of the safe unpack: reads every header of a (verified) tarball and refuses the whole
 * package at its first bad entry — `..`, an absolute path, a link, a device, a duplicate, or
 * a limit passed — before anything is written.
 * @throws HostError `TOOLHOST_ERR_TARBALL_UNSAFE` naming the entry and the reason.
 */
export function inspectTarball(
  tgz: Buffer,
  label: string,
  limits: TarballLimits,
): Promise<InspectedTarball> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, InspectedEntry>();
    let total = 0;
    let failed = false;
    const fail = (error: HostError) => {
      if (failed) return;
      failed = true;
      reject(error);
    };
    const parser = new Parser({
      strict: true,
      maxDecompressionRatio: limits.maxDecompressionRatio,
      onwarn: (code, message) => fail(unsafe(label, '(archive)', `${code}: ${message}`)),
    });
    parser.on('entry', (entry: ReadEntry) => {
      entry.resume();
      if (failed) return;
      const inner = innerPathOf(entry.path, limits);
      if (inner !== null && typeof inner === 'object')
        return fail(unsafe(label, entry.path, inner.reason));
      const kind = kindOf(entry);
      if (typeof kind === 'object') return fail(unsafe(label, entry.path, kind.reason));
      if (inner === null) return;
      if (entries.has(inner)) return fail(unsafe(label, entry.path, 'it appears twice'));
      const size = kind === 'File' ? (entry.size ?? 0) : 0;
      if (size > limits.maxFileBytes) {
        return fail(
          unsafe(
            label,
            entry.path,
            `${size} bytes is over the ${limits.maxFileBytes}-byte file limit`,
          ),
        );
      }
      total += size;
      if (total > limits.maxTotalBytes) {
        return fail(
          unsafe(label, entry.path, `the files add up to over ${limits.maxTotalBytes} bytes`),
        );
      }
      entries.set(inner, { type: kind, size });
      if (entries.size > limits.maxEntries) {
        return fail(unsafe(label, entry.path, `more than ${limits.maxEntries} entries`));
      }
    });
    parser.on('error', (error: Error) => fail(unsafe(label, '(archive)', error.message)));
    parser.on('end', () => {
      if (failed) return;
      if (!entries.has('package.json')) {
        return fail(unsafe(label, `${PACKAGE_ROOT}package.json`, 'it is missing'));
      }
      resolve(entries);
    });
    parser.end(tgz);
  });
}
