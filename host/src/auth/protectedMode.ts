import { isIP } from 'node:net';
import { HostError } from '../errors.js';
import type { KeyRing } from './KeyRing.js';

/** True for an address that only this machine can reach: 127.0.0.0/8, ::1, ::ffff:127.x. */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./.test(bare);
  return false;
}

/** A HOST setting that binds loopback only: a loopback address, or `localhost`. */
export function isLoopbackHost(host: string): boolean {
  return host.toLowerCase() === 'localhost' || isLoopbackAddress(host);
}

/**
 * Protected mode (like Redis's): without API keys the host listens on loopback only.
 * @throws HostError `TOOLHOST_ERR_PROTECTED_MODE` when it would listen elsewhere without keys.
 */
export function assertProtectedMode(keys: KeyRing, host: string, boundAddress?: string): void {
  if (!keys.protectedMode) return;
  const where = boundAddress ?? host;
  if (boundAddress === undefined ? isLoopbackHost(host) : isLoopbackAddress(boundAddress)) return;
  throw new HostError('TOOLHOST_ERR_PROTECTED_MODE', { host: where });
}
