import { readFile, rename, writeFile } from 'node:fs/promises';

/** Flips `enabled` in a manifest file, atomically (write a sibling, then rename). */
export async function writeManifestEnabled(file: string, enabled: boolean): Promise<void> {
  const manifest = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  if (manifest['enabled'] === enabled) return;
  manifest['enabled'] = enabled;
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(temporary, file);
}
