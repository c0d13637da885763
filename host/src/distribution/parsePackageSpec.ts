import semver from 'semver';
import { HostError } from '../errors.js';

/** A registry package and the versions wanted of it. */
export interface PackageSpec {
  name: string;
  /** A semver range, an exact version, or a dist-tag (`latest` when none is given). */
  range: string;
}

const NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;
const TAG = /^[A-Za-z][A-Za-z0-9._-]*$/;

/**
 * Reads `<name>[@<range | version | tag>]`. Only registry specs: a git, file, alias or URL
 * spec would make pacote fetch from somewhere else than the configured registry.
 * @throws HostError `TOOLHOST_ERR_PACKAGE_INVALID` for anything else.
 */
export function parsePackageSpec(spec: string): PackageSpec {
  const text = spec.trim();
  const at = text.indexOf('@', 1);
  const name = at === -1 ? text : text.slice(0, at);
  const range = at === -1 ? 'latest' : text.slice(at + 1).trim();
  const rangeOk = range !== '' && (TAG.test(range) || semver.validRange(range) !== null);
  if (!NAME.test(name) || name.length > 214 || !rangeOk) {
    throw new HostError('TOOLHOST_ERR_PACKAGE_INVALID', {
      package: JSON.stringify(spec),
      details:
        'a spec is <name>[@<range, version or tag>], e.g. @acme/plugin-billing@^1.2.0; git, file and URL specs are not installed',
    });
  }
  return { name, range };
}
