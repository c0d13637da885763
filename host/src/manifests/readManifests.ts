import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { HostError } from '../errors.js';
import type { Manifest } from './Manifest.js';
import { checkManifest } from './validateManifest.js';

/** One file of the manifests dir: parsed and valid, or the reason it is refused. */
export type ManifestEntry =
  | { name: string; file: string; hash: string; manifest: Manifest; error: null; refusal: null }
  | {
      name: string;
      file: string;
      hash: string;
      manifest: null;
      /** The refusal's message: `Manifest <file> is invalid: <details>`. */
      error: string;
      refusal: HostError;
    };

/**
 * Validates the text of one manifest stored at `location` (a file, or a `plugin_manifest` row);
 * the plugin name must match the name it is stored under.
 */
export function manifestEntryOf(name: string, location: string, text: string): ManifestEntry {
  const hash = createHash('sha256').update(text).digest('hex');
  const refuse = (details: string): ManifestEntry => {
    const refusal = new HostError('TOOLHOST_ERR_MANIFEST_INVALID', { file: location, details });
    return { name, file: location, hash, manifest: null, error: refusal.message, refusal };
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return refuse(`not valid JSON (${(error as Error).message})`);
  }
  const checked = checkManifest(value);
  if (!checked.ok) return refuse(checked.errors.join('; '));
  if (checked.manifest.name !== name) {
    return refuse(
      `field "name" must match the ${location.endsWith('.json') ? 'file' : 'row'} name ("${name}")`,
    );
  }
  return { name, file: location, hash, manifest: checked.manifest, error: null, refusal: null };
}

/** Reads and validates one manifest file; the plugin name must match the file name. */
export async function readManifestFile(file: string): Promise<ManifestEntry> {
  const name = basename(file, '.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const refusal = new HostError('TOOLHOST_ERR_MANIFEST_INVALID', {
      file,
      details: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    });
    return { name, file, hash: '', manifest: null, error: refusal.message, refusal };
  }
  return manifestEntryOf(name, file, text);
}

/** Reads every `*.json` in the manifests dir (a missing dir holds no manifests). */
export async function readManifests(dir: string): Promise<ManifestEntry[]> {
  let files: string[];
  try {
    files = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const names = files.filter((f) => f.endsWith('.json') && !f.startsWith('.')).sort();
  return Promise.all(names.map((f) => readManifestFile(join(dir, f))));
}
