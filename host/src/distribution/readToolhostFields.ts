import semver from 'semver';
import { HostError } from '../errors.js';

/** What the host reads from a plugin package's package.json before any of its code runs. */
export interface ToolhostFields {
  /** `toolhost.sdk`: the SDK versions the plugin accepts. */
  sdkRange: string;
  /** The manifest name it is installed under: `toolhost.name`, or derived from the package name. */
  pluginName: string;
}

const PLUGIN_NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/** `@acme/plugin-billing` → `billing`; `toolhost-plugin-x` → `x`. */
function derivedName(pkg: string): string {
  return pkg
    .replace(/^@[^/]+\//, '')
    .replace(/^(toolhost-plugin-|toolhost-|plugin-)/, '')
    .toLowerCase();
}

/**
 * Reads `toolhost.sdk` and the plugin name from a package.json (the registry's version
 * document or the unpacked file).
 * @throws HostError `TOOLHOST_ERR_PACKAGE_INVALID` when either is missing or malformed.
 */
export function readToolhostFields(pkg: Record<string, unknown>, label: string): ToolhostFields {
  const invalid = (details: string) =>
    new HostError('TOOLHOST_ERR_PACKAGE_INVALID', { package: label, details });
  const toolhost = pkg['toolhost'];
  const fields =
    typeof toolhost === 'object' && toolhost !== null ? (toolhost as Record<string, unknown>) : {};
  const sdkRange = fields['sdk'];
  if (typeof sdkRange !== 'string' || semver.validRange(sdkRange) === null) {
    throw invalid('its package.json has no valid "toolhost.sdk" semver range');
  }
  const name = fields['name'] ?? derivedName(String(pkg['name'] ?? ''));
  if (typeof name !== 'string' || !PLUGIN_NAME.test(name)) {
    throw invalid(
      `its plugin name ${JSON.stringify(name)} is not one (a lowercase letter, then up to 62 of a-z 0-9 _ -); set "toolhost.name"`,
    );
  }
  return { sdkRange, pluginName: name };
}
