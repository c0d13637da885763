import { hasBrand, renderMessage } from '@toolhost/plugin-sdk/host';

/**
 * Stable error codes of the host, each with its message template (the SDK keeps its own
 * plugin-facing catalog). Every code is documented in docs/errors.md; a test keeps the two
 * in step.
 */
export const HOST_ERRORS = {
  TOOLHOST_ERR_SETTINGS_INVALID: 'Environment variable {variable} is invalid: {details}',
  TOOLHOST_ERR_MANIFEST_INVALID: 'Manifest {file} is invalid: {details}',
  TOOLHOST_ERR_SDK_INCOMPATIBLE:
    "Plugin '{plugin}' requires @toolhost/plugin-sdk {range}, but the host provides {version}",
  TOOLHOST_ERR_SECRET_MISSING:
    "Secret '{secret}' of plugin '{plugin}' references environment variable {env}, which is not set",
  TOOLHOST_ERR_PLUGIN_UNKNOWN: "No manifest names plugin '{plugin}'",
  TOOLHOST_ERR_PLUGIN_LOAD_FAILED: "Plugin '{plugin}' could not be loaded: {details}",
  TOOLHOST_ERR_PLUGIN_TIMEOUT: "Plugin '{plugin}' did not finish {step} within {ms} ms",
  TOOLHOST_ERR_SANDBOX_UNAVAILABLE:
    "Plugin '{plugin}' needs isolation 'process', but its sandbox ({sandbox}) does not run on this machine: {details}",
  TOOLHOST_ERR_PLUGIN_CRASHED:
    "Plugin '{plugin}' was stopped after {crashes} crashes within {seconds} s (the last: {cause}); reload it to try again",
  TOOLHOST_ERR_MCP_CONNECT_FAILED:
    "Plugin '{plugin}' could not be served from its MCP server: {details}",
  TOOLHOST_ERR_MCP_ORIGIN_NOT_GRANTED:
    "Plugin '{plugin}' may not reach the MCP server at {origin}: grant it in permissions.http",
  TOOLHOST_ERR_DATABASE_UNAVAILABLE: 'The database is unavailable: {details}',
  TOOLHOST_ERR_REDIS_UNAVAILABLE: 'Redis is unavailable: {details}',
  TOOLHOST_ERR_SESSION_UNAVAILABLE: 'The session store is unavailable: {details}',
  TOOLHOST_ERR_AUDIT_FAILED: 'The audit trail failed: {details}',
  TOOLHOST_ERR_BLOB_STORE_UNAVAILABLE: 'The blob store {store} is unavailable: {details}',
  TOOLHOST_ERR_PROTECTED_MODE:
    'Protected mode: no API key is configured, so the host listens on loopback only and refuses {host}; configure TOOLHOST_API_KEYS (or TOOLHOST_API_KEYS_FILE, TOOLHOST_ADMIN_TOKEN) or listen on HOST=127.0.0.1',
  // Distribution: installing plugins from a private registry and checking them at load.
  TOOLHOST_ERR_REGISTRY_NOT_CONFIGURED:
    'No package registry is configured: set TOOLHOST_REGISTRY_URL to {action}',
  TOOLHOST_ERR_REGISTRY_UNREACHABLE: 'The registry {registry} could not be reached: {details}',
  TOOLHOST_ERR_REGISTRY_UNAUTHORIZED:
    'The registry {registry} refused {action} (HTTP {status}): {details}',
  TOOLHOST_ERR_PACKAGE_NOT_FOUND: 'The registry {registry} has no {spec}: {details}',
  TOOLHOST_ERR_PACKAGE_INVALID: '{package} is not an installable toolhost plugin: {details}',
  TOOLHOST_ERR_INTEGRITY_MISMATCH: '{package} is refused: {details}',
  TOOLHOST_ERR_TARBALL_UNSAFE: 'The tarball of {package} is refused: entry {entry}: {reason}',
  TOOLHOST_ERR_DEPENDENCIES_FAILED: 'Installing the dependencies of {package} failed: {details}',
  TOOLHOST_ERR_SIGNATURE_INVALID: '{package} is refused: {details}',
  TOOLHOST_ERR_PLUGIN_FILES_CHANGED:
    "Plugin '{plugin}' ({package}) is refused: {details}; reinstall it with toolhost plugins install",
  TOOLHOST_ERR_PLUGIN_NOT_INSTALLED: "Plugin '{plugin}' ({package}) is not installed: {details}",
  TOOLHOST_ERR_PLUGIN_EXISTS: "A manifest already names plugin '{plugin}' ({file}): {details}",
  TOOLHOST_ERR_SIGNING_KEY_INVALID: 'The key {key} cannot be used: {details}',
  TOOLHOST_ERR_SCAFFOLD_FAILED: "Cannot create plugin '{plugin}' in {dir}: {details}",
} as const;

export type HostErrorCode = keyof typeof HOST_ERRORS;

const HOST_ERROR_BRAND = Symbol.for('toolhost.host-error');

/** An error of the host, identified by a stable code from HOST_ERRORS. */
export class HostError extends Error {
  readonly code: HostErrorCode;
  readonly params: Readonly<Record<string, string | number>>;
  readonly [HOST_ERROR_BRAND] = true;

  constructor(
    code: HostErrorCode,
    params: Readonly<Record<string, string | number>> = {},
    options?: ErrorOptions,
  ) {
    super(renderMessage(HOST_ERRORS[code], params), options);
    this.name = 'HostError';
    this.code = code;
    this.params = params;
  }
}

/**
 * True for a HostError, also one that crossed into plugin code and back (a `store` call
 * that found the database unavailable) or came from another copy of this module.
 */
export function isHostError(value: unknown): value is HostError {
  return hasBrand(value, HOST_ERROR_BRAND);
}
