import { HostError } from '../errors.js';
import { fetchTarball } from './fetchTarball.js';
import type { PackageInstaller } from './PackageInstaller.js';
import { parsePackageSpec } from './parsePackageSpec.js';
import { parsePrivateKey, signatureTag } from './releaseSignatures.js';
import { TARBALL_LIMITS } from './tarballLimits.js';

export interface PublishedSignature {
  package: string;
  version: string;
  integrity: string;
  keyId: string;
  tag: string;
}

/**
 * `toolhost plugins sign`: downloads the release and lets pacote check its bytes against the
 * registry's integrity (so we sign what is really there, not only what the registry says),
 * signs `name@version:integrity` with the publisher's ed25519 key, and adds the signature as
 * a dist-tag with the publisher's token (TOOLHOST_REGISTRY_TOKEN).
 * @throws HostError `TOOLHOST_ERR_SIGNING_KEY_INVALID`, `TOOLHOST_ERR_REGISTRY_UNAUTHORIZED`,
 *   or the refusals of resolving and downloading.
 */
export async function publishSignature(
  installer: PackageInstaller,
  spec: string,
  privateKeyPem: string,
  keyName: string,
): Promise<PublishedSignature> {
  let key;
  try {
    key = parsePrivateKey(privateKeyPem);
  } catch (error) {
    throw new HostError('TOOLHOST_ERR_SIGNING_KEY_INVALID', {
      key: keyName,
      details: (error as Error).message,
    });
  }
  const parsed = parsePackageSpec(spec);
  const access = installer.access(`sign ${spec}`);
  const release = await installer.resolve(parsed);
  await fetchTarball(release, access, TARBALL_LIMITS.maxTarballBytes, () => {});
  const { tag, keyId } = signatureTag(key, release.name, release.version, release.integrity);
  const label = `${release.name}@${release.version}`;
  if (access.token === null) {
    throw new HostError('TOOLHOST_ERR_REGISTRY_UNAUTHORIZED', {
      registry: access.url,
      action: `tagging ${label}`,
      status: 401,
      details: "set TOOLHOST_REGISTRY_TOKEN to the publisher's token",
    });
  }
  const url = new URL(`-/package/${release.name.replace('/', '%2f')}/dist-tags/${tag}`, access.url);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${access.token}` },
      body: JSON.stringify(release.version),
      signal: AbortSignal.timeout(access.timeoutMs),
    });
  } catch (error) {
    throw new HostError(
      'TOOLHOST_ERR_REGISTRY_UNREACHABLE',
      { registry: access.url, details: `tagging ${label}: ${(error as Error).message}` },
      { cause: error },
    );
  }
  if (response.status === 401 || response.status === 403) {
    throw new HostError('TOOLHOST_ERR_REGISTRY_UNAUTHORIZED', {
      registry: access.url,
      action: `tagging ${label}`,
      status: response.status,
      details: 'TOOLHOST_REGISTRY_TOKEN may not publish it',
    });
  }
  if (!response.ok) {
    throw new HostError('TOOLHOST_ERR_REGISTRY_UNREACHABLE', {
      registry: access.url,
      details: `tagging ${label} answered HTTP ${response.status}`,
    });
  }
  return {
    package: release.name,
    version: release.version,
    integrity: release.integrity,
    keyId,
    tag,
  };
}
