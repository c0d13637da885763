import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileBlobStore } from './createFileBlobStore.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'toolhost-blobs-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('createFileBlobStore', () => {
  it('writes a blob under its key and reads it back', async () => {
    const blobs = createFileBlobStore(join(root, 'blobs'));
    await blobs.put('audit/2026/01/a.json', '{"x":1}');
    expect((await blobs.get('audit/2026/01/a.json'))?.toString()).toBe('{"x":1}');
    await blobs.put('audit/2026/01/a.json', new Uint8Array([1, 2, 3]));
    expect(await blobs.get('audit/2026/01/a.json')).toEqual(Buffer.from([1, 2, 3]));
    expect(await readdir(join(root, 'blobs', 'audit', '2026', '01'))).toEqual(['a.json']);
  });

  it('answers null for a key never written', async () => {
    expect(await createFileBlobStore(root).get('audit/none.json')).toBeNull();
  });

  it.each(['', '../x', 'a/../../x', '/etc/passwd', 'a//b', '.hidden', 'a/./b', 'a\\b'])(
    'refuses the key %j',
    async (key) => {
      const blobs = createFileBlobStore(root);
      await expect(blobs.put(key, 'x')).rejects.toThrow(RangeError);
      await expect(blobs.get(key)).rejects.toThrow(RangeError);
    },
  );
});
