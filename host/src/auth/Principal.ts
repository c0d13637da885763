import { ANONYMOUS_KEY_NAME } from '../config/parseApiKeys.js';
import type { ApiKeyScope } from '../config/Settings.js';
import { EVERY_TOOL, type ToolFilter } from './ToolFilter.js';

/**
 * Who is calling: the API key that authenticated the request. Its name is also the owner
 * of the sessions it creates.
 */
export interface Principal {
  readonly name: string;
  readonly scopes: ReadonlySet<ApiKeyScope>;
  /** The tools it may list and call directly. */
  readonly tools: ToolFilter;
}

/** Every caller in protected mode (no keys configured, loopback only): messages and tools, no admin. */
export const ANONYMOUS_PRINCIPAL: Principal = Object.freeze({
  name: ANONYMOUS_KEY_NAME,
  scopes: new Set<ApiKeyScope>(['messages', 'tools']),
  tools: EVERY_TOOL,
});

/** True when the principal holds at least one of `scopes`. */
export function hasAnyScope(principal: Principal, scopes: readonly ApiKeyScope[]): boolean {
  return scopes.some((scope) => principal.scopes.has(scope));
}
