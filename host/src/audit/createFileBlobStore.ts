import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertBlobKey, type BlobStore } from './BlobStore.js';
import { writeFileDurably } from './writeFileDurably.js';

/** A BlobStore keeping each blob as a file under `root` (`<root>/<key>`), written atomically. */
export function createFileBlobStore(root: string): BlobStore {
  return {
    async put(key, data) {
      assertBlobKey(key);
      await writeFileDurably(join(root, key), data);
    },
    async get(key) {
      assertBlobKey(key);
      try {
        return await readFile(join(root, key));
      } catch (error) {
        if ((error as { code?: unknown }).code === 'ENOENT') return null;
        throw error;
      }
    },
  };
}
