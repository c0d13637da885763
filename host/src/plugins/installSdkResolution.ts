import { registerHooks } from 'node:module';

let installed = false;

/**
 * Makes every `import '@toolhost/plugin-sdk'` in the process resolve to the host's own
 * copy, so a plugin folder without node_modules loads, and a plugin never brings a
 * second copy. Plugins whose `toolhost.sdk` range refuses this version are refused
 * before import.
 */
export function installSdkResolution(): void {
  if (installed) return;
  installed = true;
  const targets = new Map([
    ['@toolhost/plugin-sdk', import.meta.resolve('@toolhost/plugin-sdk')],
    ['@toolhost/plugin-sdk/testing', import.meta.resolve('@toolhost/plugin-sdk/testing')],
  ]);
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const url = targets.get(specifier);
      return url ? { url, shortCircuit: true } : nextResolve(specifier, context);
    },
  });
}
