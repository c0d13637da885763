import { registerHooks } from 'node:module';
import type { RunnerData } from './RunnerData.js';

const SDK = '@toolhost/plugin-sdk';

/**
 * Inside a runtime, every `import '@toolhost/plugin-sdk'` (and `/testing`) of a plugin resolves
 * to the copy the host hands over, given by its real path: under the permission model each
 * node_modules candidate would be a read needing its own grant, and a symlinked package is
 * read at its link's path. Other subpaths (`/host`) are refused to everything but the SDK.
 */
export function installSdkResolution({ sdkUrl, testingUrl }: RunnerData): void {
  const targets = new Map([
    [SDK, sdkUrl],
    [`${SDK}/testing`, testingUrl],
  ]);
  const sdkRoot = new URL('../', sdkUrl).href;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const url = targets.get(specifier);
      if (url) return { url, shortCircuit: true };
      if (specifier.startsWith(`${SDK}/`) && !(context.parentURL ?? '').startsWith(sdkRoot)) {
        const error = new Error(
          `'${specifier}' is for the host only; a plugin may import '${SDK}' and '${SDK}/testing'`,
        );
        throw Object.assign(error, { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
      }
      return nextResolve(specifier, context);
    },
  });
}
