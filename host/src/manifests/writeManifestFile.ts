import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Manifest } from './Manifest.js';
import { parseManifest } from './validateManifest.js';

/** Where the manifest of plugin `name` lives. */
export function manifestFileOf(manifestsDir: string, name: string): string {
  return join(manifestsDir, `${name}.json`);
}

/**
 * Writes a whole manifest, validated first, atomically (a sibling file, then a rename), so a
 * watching host never reads half of it.
 * @throws HostError `TOOLHOST_ERR_MANIFEST_INVALID` when `manifest` breaks the schema
 *   (nothing is written then).
 */
export async function writeManifestFile(file: string, manifest: Manifest): Promise<void> {
  parseManifest(manifest, file);
  await mkdir(dirname(file), { recursive: true });
  // A dot-name that is not *.json: the manifests watcher never takes it for a manifest.
  const temporary = join(dirname(file), `.${randomUUID()}.tmp`);
  try {
    await writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
