import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostDirs } from './testHost.js';

/** The repository's plugins dir: built-in plugins load from here (their dist/ comes from `npm run build`). */
export const REPO_PLUGINS_DIR = fileURLToPath(new URL('../../plugins/', import.meta.url));
const REPO_MANIFESTS_DIR = fileURLToPath(new URL('../../manifests/', import.meta.url));

/** Copies the repository manifests of the named built-in plugins into a scratch manifests dir. */
export function useBuiltinManifests(dirs: HostDirs, names: readonly string[]): void {
  for (const name of names) {
    const entry = join(REPO_PLUGINS_DIR, name, 'dist', 'index.js');
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
    copyFileSync(join(REPO_MANIFESTS_DIR, `${name}.json`), join(dirs.manifestsDir, `${name}.json`));
  }
}

/**
 * Environment for a host process on scratch dirs under `root`: the repository manifests
 * of rag, memory and escalation, the repository plugins, and its own data dir.
 */
export function builtinHostEnv(root: string, dataDir = 'data'): Record<string, string> {
  const manifestsDir = join(root, 'manifests');
  mkdirSync(manifestsDir, { recursive: true });
  for (const name of ['rag', 'memory', 'escalation']) {
    copyFileSync(join(REPO_MANIFESTS_DIR, `${name}.json`), join(manifestsDir, `${name}.json`));
  }
  return {
    TOOLHOST_MANIFESTS_DIR: manifestsDir,
    TOOLHOST_PLUGINS_DIR: REPO_PLUGINS_DIR,
    TOOLHOST_DATA_DIR: join(root, dataDir),
    LOG_LEVEL: 'info',
  };
}
