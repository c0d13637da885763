import { join } from 'node:path';

/**
 * Where installs live. Each version gets its own folder, outside any `node_modules` segment,
 * so an update is a second folder beside the first (blue/green) and every one of its files
 * is imported afresh; the records live in the data dir, out of reach of the plugin folders.
 */
export interface InstallLayout {
  /** `<pluginsDir>/installed`: one folder per installed version. */
  installedDir: string;
  /** `<pluginsDir>/installed/.staging`: half-made installs (same file system, so rename is atomic). */
  stagingDir: string;
  /** `<dataDir>/installs`: one install record per installed version. */
  recordsDir: string;
  /** `<dataDir>/npm-cache`: pacote's and npm's cache, private to the host. */
  cacheDir: string;
}

export function installLayout(pluginsDir: string, dataDir: string): InstallLayout {
  const installedDir = join(pluginsDir, 'installed');
  return {
    installedDir,
    stagingDir: join(installedDir, '.staging'),
    recordsDir: join(dataDir, 'installs'),
    cacheDir: join(dataDir, 'npm-cache'),
  };
}

/** `@acme/x` at 1.2.0 → `@acme+x@1.2.0`: one path segment per installed version. */
export function releaseKey(pkg: string, version: string): string {
  return `${pkg.replace('/', '+')}@${version}`;
}

/** The folder an installed version lives in. */
export function installedDirOf(pluginsDir: string, pkg: string, version: string): string {
  return join(pluginsDir, 'installed', releaseKey(pkg, version));
}

/** The install record of an installed version. */
export function recordFileOf(layout: InstallLayout, pkg: string, version: string): string {
  return join(layout.recordsDir, `${releaseKey(pkg, version)}.json`);
}
