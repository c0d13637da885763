import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { HostError } from '../errors.js';

/** Replaces a file atomically (write a sibling, then rename), so a reader never sees half. */
async function replaceFile(file: string, text: string): Promise<void> {
  const temporary = `${file}.${randomUUID()}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}

/**
 * Flips `enabled` in a manifest file, atomically. Resolves to a function that puts the file
 * back exactly as it was, or null when `enabled` had that value already and nothing was
 * written.
 * @throws HostError `TOOLHOST_ERR_MANIFEST_INVALID` when the file is not JSON.
 */
export async function writeManifestEnabled(
  file: string,
  enabled: boolean,
): Promise<(() => Promise<void>) | null> {
  let original: string;
  let manifest: Record<string, unknown>;
  try {
    original = await readFile(file, 'utf8');
    manifest = JSON.parse(original) as Record<string, unknown>;
  } catch (error) {
    throw new HostError('TOOLHOST_ERR_MANIFEST_INVALID', {
      file,
      details: `not valid JSON (${(error as Error).message})`,
    });
  }
  if (manifest['enabled'] === enabled) return null;
  manifest['enabled'] = enabled;
  await replaceFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
  return () => replaceFile(file, original);
}
