import { registerHooks } from 'node:module';

let installed = false;

const LOAD_TAG = '?load=';

function loadTagOf(url: string | undefined): string | null {
  const at = url?.indexOf(LOAD_TAG) ?? -1;
  return url && at !== -1 ? (url.slice(at + LOAD_TAG.length).split('&')[0] ?? null) : null;
}

/**
 * Two module-resolution rules for plugins, installed once per process:
 * - every `import '@toolhost/plugin-sdk'` resolves to the host's own copy, so a plugin
 *   folder without node_modules loads and a plugin never brings a second copy (plugins
 *   whose `toolhost.sdk` range refuses this version are refused before import);
 * - a plugin's own files inherit the `?load=N` tag of the entry module that imports them,
 *   so a reload runs the new code of every file, not only of the entry (dependencies in
 *   node_modules stay shared).
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
      if (url) return { url, shortCircuit: true };
      const resolved = nextResolve(specifier, context);
      const tag = loadTagOf(context.parentURL);
      if (
        tag !== null &&
        resolved.url.startsWith('file:') &&
        !resolved.url.includes('/node_modules/') &&
        !resolved.url.includes('?')
      ) {
        return { ...resolved, url: `${resolved.url}${LOAD_TAG}${tag}` };
      }
      return resolved;
    },
  });
}
