import { registerHooks } from 'node:module';

let installed = false;

const LOAD_TAG = '?load=';
const SDK = '@toolhost/plugin-sdk';
/** What a plugin may import of the SDK; its other subpaths (`./host`) are for the host only. */
const PLUGIN_FACING = [SDK, `${SDK}/testing`] as const;

function loadTagOf(url: string | undefined): string | null {
  const at = url?.indexOf(LOAD_TAG) ?? -1;
  return url && at !== -1 ? (url.slice(at + LOAD_TAG.length).split('&')[0] ?? null) : null;
}

function hostOnly(specifier: string): Error {
  const error = new Error(
    `'${specifier}' is for the host only; a plugin may import ${PLUGIN_FACING.map((s) => `'${s}'`).join(' and ')}`,
  );
  return Object.assign(error, { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
}

/**
 * Three module-resolution rules for plugins, installed once per process by the plugin
 * loader (importPlugin) before it imports the first plugin:
 * - every `import '@toolhost/plugin-sdk'` (and `/testing`) resolves to the host's own copy,
 *   so a plugin folder without node_modules loads and a plugin never brings a second copy
 *   (plugins whose `toolhost.sdk` range refuses this version are refused before import);
 * - any other subpath of the SDK (`/host`) is refused to every module outside the host and
 *   the SDK themselves, so a plugin cannot reach the host-only machinery, not even through
 *   a copy of the SDK in its own node_modules;
 * - a plugin's own files inherit the `?load=N` tag of the entry module that imports them,
 *   so a reload runs the new code of every file, not only of the entry (dependencies in
 *   node_modules stay shared).
 */
export function installSdkResolution(): void {
  if (installed) return;
  installed = true;
  const targets = new Map<string, string>(PLUGIN_FACING.map((s) => [s, import.meta.resolve(s)]));
  // This file is <host>/dist/plugins/installSdkResolution.js (<host>/src/… under tests);
  // the SDK's entry is <sdk>/dist/index.js.
  const trusted = [new URL('../../', import.meta.url).href, new URL('../', targets.get(SDK)).href];
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const url = targets.get(specifier);
      if (url) return { url, shortCircuit: true };
      if (specifier.startsWith(`${SDK}/`)) {
        const parent = context.parentURL ?? '';
        if (!trusted.some((root) => parent.startsWith(root))) throw hostOnly(specifier);
      }
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
