import { gzipSync } from 'node:zlib';
import { Header } from 'tar';

type EntryType = 'File' | 'Directory' | 'SymbolicLink' | 'Link' | 'FIFO' | 'CharacterDevice';

/** One entry of a hand-made tarball. */
export interface RawEntry {
  path: string;
  type?: EntryType;
  data?: string | Buffer;
  /** Declared size; without data, the file is that many zero bytes (compresses to almost nothing). */
  size?: number;
  linkpath?: string;
  mode?: number;
}

/**
 * Builds a gzipped tarball header by header, so tests can make entries that `npm pack` never
 * writes (`..`, absolute paths, links, devices, duplicates, setuid files).
 */
export function rawTarball(entries: readonly RawEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const type = entry.type ?? 'File';
    const data = entry.data === undefined ? Buffer.alloc(0) : Buffer.from(entry.data);
    const size = entry.size ?? (type === 'File' ? data.length : 0);
    const header = new Header({
      path: entry.path,
      type,
      mode: entry.mode ?? (type === 'Directory' ? 0o755 : 0o644),
      size,
      linkpath: entry.linkpath ?? '',
      mtime: new Date(0),
      uid: 0,
      gid: 0,
    });
    const block = Buffer.alloc(512);
    if (header.encode(block)) throw new Error(`${entry.path} needs a pax header; keep it short`);
    blocks.push(block);
    if (size > 0) {
      const body = Buffer.alloc(Math.ceil(size / 512) * 512);
      data.copy(body);
      blocks.push(body);
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks), { level: 9 });
}

/** The package.json entry of a plugin tarball. */
export function packageJsonEntry(fields: Record<string, unknown> = {}): RawEntry {
  return {
    path: 'package/package.json',
    data: JSON.stringify({
      name: '@acme/plugin-hostile',
      version: '1.0.0',
      type: 'module',
      toolhost: { sdk: '^1.0.0' },
      ...fields,
    }),
  };
}
