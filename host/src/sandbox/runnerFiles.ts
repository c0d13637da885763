import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RunnerData } from './runner/RunnerData.js';

const here = fileURLToPath(import.meta.url);
// Compiled, this file is host/dist/sandbox/runnerFiles.js with the runner beside it. The
// tests run the TypeScript sources (host/src/sandbox/…); a worker or a child process runs
// plain JavaScript, so they get the compiled runner, which `npm test` builds first.
const compiledDir = here.endsWith('.ts')
  ? join(dirname(here), '..', '..', 'dist', 'sandbox')
  : dirname(here);

/** The folders a runtime runs from: nothing else is in them (a sandboxed child may read both). */
export const RUNNER_DIR = join(compiledDir, 'runner');
export const PROTOCOL_DIR = join(compiledDir, 'protocol');

export function runnerEntry(kind: 'worker' | 'child'): string {
  const file = join(RUNNER_DIR, `${kind}Entry.js`);
  if (!existsSync(file)) {
    throw new Error(`the plugin runner ${file} is missing; run \`npm run build\``);
  }
  return file;
}

let sdk: RunnerData | null = null;

/** The SDK the host hands its plugins, by real path (a workspace package is a symlink). */
export function runnerData(): RunnerData {
  const real = (specifier: string) =>
    pathToFileURL(realpathSync(fileURLToPath(import.meta.resolve(specifier)))).href;
  return (sdk ??= {
    sdkUrl: real('@toolhost/plugin-sdk'),
    testingUrl: real('@toolhost/plugin-sdk/testing'),
  });
}
