import pacote from 'pacote';
import semver from 'semver';
import { HostError } from '../errors.js';
import type { PackageSpec } from './parsePackageSpec.js';
import { readToolhostFields, type ToolhostFields } from './readToolhostFields.js';
import { pacoteOptions, registryFailure, type RegistryAccess } from './registryAccess.js';

/** One version of a plugin package, as the registry describes it. */
export interface Release extends ToolhostFields {
  name: string;
  version: string;
  /** The tarball's sha512 integrity from the registry (and equal to any pin). */
  integrity: string;
  /** The package's dist-tags, where publisher signatures travel. */
  distTags: Readonly<Record<string, string>>;
}

/**
 * Resolves a spec against the registry (full metadata: the abbreviated document drops
 * `toolhost`) and refuses, before anything is downloaded, a release without a sha512
 * integrity, whose integrity differs from `pinnedIntegrity`, or whose `toolhost.sdk` range
 * refuses `sdkVersion`. The registry's document is the publisher's claim; the installer checks
 * the unpacked package.json again.
 * @throws HostError with the code of the refusal or of the registry failure.
 */
export async function resolveRelease(
  spec: PackageSpec,
  access: RegistryAccess,
  sdkVersion: string,
  pinnedIntegrity: string | null,
): Promise<Release> {
  const wanted = `${spec.name}@${spec.range}`;
  const options = { ...pacoteOptions(access), packumentCache: new Map<string, unknown>() };
  let found: Awaited<ReturnType<typeof pacote.manifest>>;
  let distTags: Record<string, string>;
  try {
    found = await pacote.manifest(
      wanted,
      pinnedIntegrity === null ? options : { ...options, integrity: pinnedIntegrity },
    );
    // Served from the packument cache: no second request.
    distTags = (await pacote.packument(spec.name, options))['dist-tags'];
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EINTEGRITY') {
      throw new HostError(
        'TOOLHOST_ERR_INTEGRITY_MISMATCH',
        {
          package: wanted,
          details: `the registry's integrity is not the pinned ${String(pinnedIntegrity)}`,
        },
        { cause: error },
      );
    }
    throw registryFailure(error, access, wanted);
  }
  const label = `${found.name}@${found.version}`;
  if (found.name !== spec.name || semver.valid(found.version) !== found.version) {
    throw new HostError('TOOLHOST_ERR_PACKAGE_INVALID', {
      package: wanted,
      details: `the registry answered with the document of ${JSON.stringify(label)}`,
    });
  }
  const integrity = found.dist.integrity;
  if (typeof integrity !== 'string' || !/^sha512-[A-Za-z0-9+/]{86}==$/.test(integrity)) {
    throw new HostError('TOOLHOST_ERR_INTEGRITY_MISMATCH', {
      package: label,
      details: 'the registry gives no sha512 integrity for it',
    });
  }
  if (pinnedIntegrity !== null && pinnedIntegrity !== integrity) {
    throw new HostError('TOOLHOST_ERR_INTEGRITY_MISMATCH', {
      package: label,
      details: `the registry's integrity ${integrity} is not the pinned ${pinnedIntegrity}`,
    });
  }
  const fields = readToolhostFields(found, label);
  if (!semver.satisfies(sdkVersion, fields.sdkRange)) {
    throw new HostError('TOOLHOST_ERR_SDK_INCOMPATIBLE', {
      plugin: label,
      range: fields.sdkRange,
      version: sdkVersion,
    });
  }
  return { name: found.name, version: found.version, integrity, distTags, ...fields };
}
