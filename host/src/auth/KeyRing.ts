import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeyScope, ApiKeySetting } from '../config/Settings.js';
import { ANONYMOUS_PRINCIPAL, type Principal } from './Principal.js';
import { createToolFilter } from './ToolFilter.js';

/** Why a request has no principal. */
export type AuthFailure = 'missing' | 'unknown';

export type Authentication =
  { ok: true; principal: Principal } | { ok: false; failure: AuthFailure };

/**
 * The configured API keys. `authenticate` takes an `Authorization` header value: the
 * presented key is hashed once (SHA-256), looked up in a Map, and the digests compared in
 * constant time. Keys are never logged or kept in clear.
 */
export interface KeyRing {
  /** No key is configured: the host serves loopback only, every caller is ANONYMOUS_PRINCIPAL. */
  readonly protectedMode: boolean;
  /** Some key has this scope (the admin routes exist only then). */
  grants(scope: ApiKeyScope): boolean;
  authenticate(authorization: string | undefined): Authentication;
}

const BEARER = /^Bearer +(\S+) *$/i;

interface Entry {
  digest: Buffer;
  principal: Principal;
}

export function createKeyRing(keys: readonly ApiKeySetting[]): KeyRing {
  const byDigest = new Map<string, Entry>();
  const granted = new Set<ApiKeyScope>();
  for (const key of keys) {
    const principal: Principal = Object.freeze({
      name: key.name,
      scopes: new Set(key.scopes),
      tools: createToolFilter(key.tools, key.readOnly),
    });
    byDigest.set(key.sha256, { digest: Buffer.from(key.sha256, 'hex'), principal });
    for (const scope of key.scopes) granted.add(scope);
  }
  const protectedMode = byDigest.size === 0;
  const anonymous: Authentication = { ok: true, principal: ANONYMOUS_PRINCIPAL };
  return {
    protectedMode,
    grants: (scope) => granted.has(scope),
    authenticate(authorization) {
      if (protectedMode) return anonymous;
      const match = BEARER.exec(authorization ?? '');
      if (!match) return { ok: false, failure: 'missing' };
      const digest = createHash('sha256')
        .update(match[1] as string, 'utf8')
        .digest();
      const entry = byDigest.get(digest.toString('hex'));
      if (entry === undefined || !timingSafeEqual(digest, entry.digest)) {
        return { ok: false, failure: 'unknown' };
      }
      return { ok: true, principal: entry.principal };
    },
  };
}
