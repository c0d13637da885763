import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import semver from 'semver';
import { SDK_VERSION, ToolhostError } from '@toolhost/plugin-sdk/host';
import { installedDirOf } from '../distribution/installedPaths.js';
import { HostError } from '../errors.js';
import type { Manifest } from '../manifests/Manifest.js';

export interface PluginPackage {
  dir: string;
  packageName: string;
  version: string | null;
  sdkRange: string;
  /** Absolute path of the ESM entry module. */
  entry: string;
}

interface PackageJson {
  name?: unknown;
  version?: unknown;
  main?: unknown;
  exports?: unknown;
  toolhost?: { sdk?: unknown };
}

/**
 * The folder a manifest's `source` points at: kept inside the plugins dir when relative; an
 * installed registry package's versioned folder under `plugins/installed/`.
 */
export function resolveSourceDir(manifest: Manifest, pluginsDir: string): string {
  const fail = (details: string) =>
    new HostError('TOOLHOST_ERR_PLUGIN_LOAD_FAILED', { plugin: manifest.name, details });
  if ('path' in manifest.source) {
    if (isAbsolute(manifest.source.path)) return manifest.source.path;
    const dir = resolve(pluginsDir, manifest.source.path);
    const rel = relative(pluginsDir, dir);
    if (rel.startsWith('..') || isAbsolute(rel)) {
      throw fail(`source.path "${manifest.source.path}" leaves the plugins dir`);
    }
    return dir;
  }
  if ('mcp' in manifest.source) throw fail('an MCP server has no package folder');
  return installedDirOf(pluginsDir, manifest.source.package, manifest.source.version);
}

function entryOf(pkg: PackageJson): string {
  const exported = pkg.exports;
  if (typeof exported === 'string') return exported;
  if (exported && typeof exported === 'object') {
    const root = (exported as Record<string, unknown>)['.'] ?? exported;
    if (typeof root === 'string') return root;
    if (root && typeof root === 'object') {
      const conditions = root as Record<string, unknown>;
      for (const condition of ['import', 'node', 'default']) {
        if (typeof conditions[condition] === 'string') return conditions[condition];
      }
    }
  }
  return typeof pkg.main === 'string' ? pkg.main : 'index.js';
}

/**
 * Reads a plugin package and checks it can run on this host.
 * @throws HostError `TOOLHOST_ERR_PLUGIN_LOAD_FAILED` (missing folder or version mismatch) or
 *   `TOOLHOST_ERR_SDK_INCOMPATIBLE` (its `toolhost.sdk` range refuses SDK_VERSION), ToolhostError
 *   `TOOLHOST_ERR_PLUGIN_INVALID` (bad package.json).
 */
export async function readPluginPackage(
  manifest: Manifest,
  pluginsDir: string,
): Promise<PluginPackage> {
  const plugin = manifest.name;
  const dir = resolveSourceDir(manifest, pluginsDir);
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) {
    throw new HostError('TOOLHOST_ERR_PLUGIN_LOAD_FAILED', {
      plugin,
      details: `source folder ${dir} does not exist`,
    });
  }
  const invalid = (details: string) =>
    new ToolhostError('TOOLHOST_ERR_PLUGIN_INVALID', { plugin, details });
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch (error) {
    throw invalid(`${join(dir, 'package.json')} cannot be read: ${(error as Error).message}`);
  }
  const sdkRange = pkg.toolhost?.sdk;
  if (typeof sdkRange !== 'string' || semver.validRange(sdkRange) === null) {
    throw invalid('its package.json has no valid "toolhost.sdk" semver range');
  }
  if (!semver.satisfies(SDK_VERSION, sdkRange)) {
    throw new HostError('TOOLHOST_ERR_SDK_INCOMPATIBLE', {
      plugin,
      range: sdkRange,
      version: SDK_VERSION,
    });
  }
  const version = typeof pkg.version === 'string' ? pkg.version : null;
  if ('package' in manifest.source && version !== manifest.source.version) {
    throw new HostError('TOOLHOST_ERR_PLUGIN_LOAD_FAILED', {
      plugin,
      details: `installed ${manifest.source.package} is ${String(version)}, the manifest pins ${manifest.source.version}`,
    });
  }
  return {
    dir,
    packageName: typeof pkg.name === 'string' ? pkg.name : plugin,
    version,
    sdkRange,
    entry: resolve(dir, entryOf(pkg)),
  };
}
