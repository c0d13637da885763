import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** sha256 of each regular file under a folder, by its `/`-separated relative path. */
export type FileDigests = Readonly<Record<string, string>>;

/** The first way a folder differs from its recorded digests. */
export interface FileDifference {
  file: string;
  change: 'added' | 'removed' | 'changed' | 'not a regular file';
}

function sha256(data: Buffer | string): string {
  return `sha256-${createHash('sha256').update(data).digest('base64')}`;
}

/**
 * Every entry under `root`, sorted; a symlink, socket or device anywhere is reported as
 * `not a regular file` (neither the unpacker nor `npm --no-bin-links` makes one).
 */
async function listFiles(root: string): Promise<{ files: string[]; odd: string | null }> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files: string[] = [];
  let odd: string | null = null;
  for (const entry of entries) {
    if (entry.isDirectory()) continue;
    const file = relative(root, join(entry.parentPath, entry.name)).split(sep).join('/');
    if (!entry.isFile()) odd ??= file;
    else files.push(file);
  }
  return { files: files.sort(), odd };
}

/** One hash over the sorted `path\0digest` lines, pinned in the manifest (`filesDigest`). */
export function digestOfDigests(files: FileDigests): string {
  const lines = Object.keys(files)
    .sort()
    .map((file) => `${file}\0${files[file]}\n`);
  return sha256(lines.join(''));
}

/**
 * Hashes every file under `root`.
 * @throws Error naming the first entry that is not a regular file.
 */
export async function digestFiles(root: string): Promise<FileDigests> {
  const { files, odd } = await listFiles(root);
  if (odd !== null) throw new Error(`${odd} is not a regular file`);
  const digests: Record<string, string> = {};
  for (const file of files) digests[file] = sha256(await readFile(join(root, file)));
  return digests;
}

/** The first file added, removed, changed (or turned into a link) since `recorded`; null if none. */
export async function compareFiles(
  root: string,
  recorded: FileDigests,
): Promise<FileDifference | null> {
  const { files, odd } = await listFiles(root);
  if (odd !== null) return { file: odd, change: 'not a regular file' };
  const present = new Set(files);
  const added = files.find((file) => !(file in recorded));
  if (added !== undefined) return { file: added, change: 'added' };
  const removed = Object.keys(recorded)
    .sort()
    .find((file) => !present.has(file));
  if (removed !== undefined) return { file: removed, change: 'removed' };
  for (const file of files) {
    if (sha256(await readFile(join(root, file))) !== recorded[file]) {
      return { file, change: 'changed' };
    }
  }
  return null;
}
