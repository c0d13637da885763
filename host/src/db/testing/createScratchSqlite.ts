import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScratchDatabase } from './ScratchDatabase.js';

/** A SQLite file in a fresh temp folder, under a subfolder that does not exist yet. */
export async function createScratchSqlite(): Promise<ScratchDatabase & { file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'toolhost-db-'));
  const file = join(dir, 'data', 'toolhost.sqlite');
  return {
    url: `sqlite:${file}`,
    file,
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}
