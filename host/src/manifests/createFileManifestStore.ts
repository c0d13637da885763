import { watch } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import type { ManifestStore } from './ManifestStore.js';
import { readManifestFile, readManifests } from './readManifests.js';
import { writeManifestEnabled } from './writeManifestEnabled.js';
import { manifestFileOf, writeManifestFile } from './writeManifestFile.js';

/** The manifests of one host: `<manifestsDir>/<name>.json`, watched for changes. */
export function createFileManifestStore(manifestsDir: string): ManifestStore {
  return {
    kind: 'files',
    locationOf: (name) => manifestFileOf(manifestsDir, name),
    list: () => readManifests(manifestsDir),
    async read(name) {
      const entry = await readManifestFile(manifestFileOf(manifestsDir, name));
      return entry.hash === '' ? null : entry;
    },
    readText: (name) =>
      readFile(manifestFileOf(manifestsDir, name), 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return null;
        throw error;
      }),
    write: (manifest) => writeManifestFile(manifestFileOf(manifestsDir, manifest.name), manifest),
    setEnabled: (name, enabled) =>
      writeManifestEnabled(manifestFileOf(manifestsDir, name), enabled),
    remove: (name) => rm(manifestFileOf(manifestsDir, name)),
    async watch(onChange, onError) {
      await mkdir(manifestsDir, { recursive: true });
      const watcher = watch(manifestsDir, onChange);
      watcher.on('error', onError);
      return async () => watcher.close();
    },
  };
}
