import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { HostError } from '../errors.js';
import { readToolhostFields } from './readToolhostFields.js';
import type { Release } from './resolveRelease.js';

/**
 * The registry's document is the publisher's claim (a hand-made publish can say one thing
 * and ship another); the unpacked package.json is what would load. It must be the same
 * package and version, accept `sdkVersion`, and name the same plugin. Resolves to it.
 * @throws HostError `TOOLHOST_ERR_PACKAGE_INVALID` or `TOOLHOST_ERR_SDK_INCOMPATIBLE`.
 */
export async function checkUnpackedPackage(
  dir: string,
  release: Release,
  sdkVersion: string,
): Promise<Record<string, unknown>> {
  const label = `${release.name}@${release.version}`;
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new HostError('TOOLHOST_ERR_PACKAGE_INVALID', {
      package: label,
      details: `its package.json is not JSON (${(error as Error).message})`,
    });
  }
  if (pkg['name'] !== release.name || pkg['version'] !== release.version) {
    throw new HostError('TOOLHOST_ERR_PACKAGE_INVALID', {
      package: label,
      details: `the registry describes ${label}, but its package.json is ${String(pkg['name'])}@${String(pkg['version'])}`,
    });
  }
  const fields = readToolhostFields(pkg, label);
  if (!semver.satisfies(sdkVersion, fields.sdkRange)) {
    throw new HostError('TOOLHOST_ERR_SDK_INCOMPATIBLE', {
      plugin: label,
      range: `${fields.sdkRange} (its package.json; the registry said ${release.sdkRange})`,
      version: sdkVersion,
    });
  }
  if (fields.pluginName !== release.pluginName) {
    throw new HostError('TOOLHOST_ERR_PACKAGE_INVALID', {
      package: label,
      details: `the registry names its plugin '${release.pluginName}', its package.json '${fields.pluginName}'`,
    });
  }
  return pkg;
}
