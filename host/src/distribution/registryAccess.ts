import type { PacoteOptions } from 'pacote';
import type { PackageRegistrySettings } from '../config/Settings.js';
import { HostError } from '../errors.js';

/** How the host reaches its registry: the settings plus the host's private cache. */
export interface RegistryAccess {
  url: string;
  token: string | null;
  timeoutMs: number;
  retries: number;
  cacheDir: string;
}

/**
 * The registry of the settings, for `action` (`install @acme/x`).
 * @throws HostError `TOOLHOST_ERR_REGISTRY_NOT_CONFIGURED` when TOOLHOST_REGISTRY_URL is unset.
 */
export function registryAccess(
  settings: PackageRegistrySettings,
  cacheDir: string,
  action: string,
): RegistryAccess {
  if (settings.url === null)
    throw new HostError('TOOLHOST_ERR_REGISTRY_NOT_CONFIGURED', { action });
  return {
    url: settings.url,
    token: settings.token,
    timeoutMs: settings.timeoutMs,
    retries: settings.retries,
    cacheDir,
  };
}

/** npm's key for per-registry settings: `//host:port/path/` (no scheme). */
export function nerfDart(url: string): `//${string}` {
  const { host, pathname } = new URL(url);
  return `//${host}${pathname.endsWith('/') ? pathname : `${pathname}/`}`;
}

/**
 * pacote's options: full metadata (the abbreviated document drops `toolhost`), fresh
 * documents, explicit timeouts and retries, the token scoped to this registry only.
 */
export function pacoteOptions(access: RegistryAccess): PacoteOptions {
  const options: PacoteOptions = {
    registry: access.url,
    cache: access.cacheDir,
    fullMetadata: true,
    preferOnline: true,
    timeout: access.timeoutMs,
    fetchRetries: access.retries,
    fetchRetryFactor: 2,
    fetchRetryMintimeout: 200,
    fetchRetryMaxtimeout: 2_000,
  };
  if (access.token !== null) options[`${nerfDart(access.url)}:_authToken`] = access.token;
  return options;
}

function firstLine(error: unknown): string {
  return ((error as Error).message ?? String(error)).split('\n')[0] ?? '';
}

/**
 * What a failed registry request means, as a coded error: `spec` was not there, the
 * registry refused us, or it could not be reached (refused, reset, timed out, 5xx).
 */
export function registryFailure(error: unknown, access: RegistryAccess, spec: string): HostError {
  const code = String((error as { code?: unknown }).code ?? '');
  const registry = access.url;
  const details = firstLine(error);
  if (code === 'E404' || code === 'ETARGET' || code === 'ENOVERSIONS') {
    return new HostError(
      'TOOLHOST_ERR_PACKAGE_NOT_FOUND',
      { registry, spec, details },
      { cause: error },
    );
  }
  if (code === 'E401' || code === 'E403') {
    return new HostError(
      'TOOLHOST_ERR_REGISTRY_UNAUTHORIZED',
      {
        registry,
        action: `reading ${spec}`,
        status: code.slice(1),
        details:
          access.token === null
            ? 'set TOOLHOST_REGISTRY_TOKEN to a token that may read it'
            : 'TOOLHOST_REGISTRY_TOKEN may not read it',
      },
      { cause: error },
    );
  }
  return new HostError(
    'TOOLHOST_ERR_REGISTRY_UNREACHABLE',
    { registry, details: `${spec}: ${code ? `${code} ` : ''}${details}` },
    { cause: error },
  );
}
