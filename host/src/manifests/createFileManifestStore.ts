import { watch } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { assertPluginName, type ManifestStore } from './ManifestStore.js';
import { readManifestFile, readManifests } from './readManifests.js';
import { writeManifestEnabled } from './writeManifestEnabled.js';
import { manifestFileOf, writeManifestFile } from './writeManifestFile.js';

/** The manifests of one host: `<manifestsDir>/<name>.json`, watched for changes. */
export function createFileManifestStore(manifestsDir: string): ManifestStore {
  const fileOf = (name: string) => {
    assertPluginName(name);
    return manifestFileOf(manifestsDir, name);
  };
  return {
    kind: 'files',
    locationOf: (name) => manifestFileOf(manifestsDir, name),
    list: () => readManifests(manifestsDir),
    async read(name) {
      const entry = await readManifestFile(fileOf(name));
      return entry.hash === '' ? null : entry;
    },
    readText: async (name) =>
      readFile(fileOf(name), 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return null;
        throw error;
      }),
    // Validated before the path is used: a bad name is refused as MANIFEST_INVALID.
    write: (manifest) => writeManifestFile(manifestFileOf(manifestsDir, manifest.name), manifest),
    setEnabled: async (name, enabled) => writeManifestEnabled(fileOf(name), enabled),
    remove: async (name) => rm(fileOf(name)),
    async watch(onChange, onError) {
      await mkdir(manifestsDir, { recursive: true });
      const watcher = watch(manifestsDir, onChange);
      watcher.on('error', onError);
      return async () => watcher.close();
    },
  };
}
