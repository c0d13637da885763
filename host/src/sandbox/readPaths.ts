import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageClosure } from './packageClosure.js';
import { PROTOCOL_DIR, RUNNER_DIR, runnerData } from './runnerFiles.js';

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
export function pluginReadPaths(pluginDir: string): string[] {
  const paths = new Set([realpathSync(RUNNER_DIR), realpathSync(PROTOCOL_DIR)]);
  packageClosure(sdkPackageDir(), paths);
  packageClosure(pluginDir, paths);
  return [...paths];
}
