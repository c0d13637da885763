import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageClosure } from './packageClosure.js';
import { PROTOCOL_DIR, RUNNER_DIR, runnerData } from './runnerFiles.js';

/**
 * Where a plugin's dependencies may be found: `own-folder` for a registry install (the
 * installer put every one in its folder, and its package.json is the publisher's), or
 * `ancestors` for a `source.path` plugin (the operator's, which may use the node_modules of
 * a workspace above it, as Node's resolver would).
 */
export type DependencyScope = 'own-folder' | 'ancestors';

/** The SDK package folder the host hands its plugins (the folder of its package.json). */
function sdkPackageDir(): string {
  // <sdk>/dist/index.js → <sdk>
  return dirname(dirname(fileURLToPath(runnerData().sdkUrl)));
}

/**
 * Everything a confined child may read, by real path: the runner and the protocol it speaks,
 * the SDK with its dependencies, and the plugin's own folder with its dependencies. Not
 * the manifests, the data dir, other plugins, the host's code or the system's files.
 */
export function pluginReadPaths(pluginDir: string, scope: DependencyScope): string[] {
  const paths = new Set([realpathSync(RUNNER_DIR), realpathSync(PROTOCOL_DIR)]);
  packageClosure(sdkPackageDir(), paths);
  const real = realpathSync(pluginDir);
  packageClosure(real, paths, scope === 'own-folder' ? real : null);
  return [...paths];
}
