import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { HostError } from '../errors.js';

/** Flips `enabled` in a manifest file, atomically (write a sibling, then rename). */
export async function writeManifestEnabled(file: string, enabled: boolean): Promise<void> {
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new HostError('TOOLHOST_ERR_MANIFEST_INVALID', {
      file,
      details: `not valid JSON (${(error as Error).message})`,
    });
  }
  if (manifest['enabled'] === enabled) return;
  manifest['enabled'] = enabled;
  const temporary = `${file}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(temporary, file);
}
