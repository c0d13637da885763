import { isToolhostError } from '@toolhost/plugin-sdk';
import { HostError, isHostError } from '../errors.js';
import type { ToolRegistry } from './ToolRegistry.js';

/**
 * Why the plugin's last start failed, as a coded error (the admin API answers it with 422
 * `TOOLHOST_HTTP_PLUGIN_REFUSED`), or null when it did not fail.
 */
export function refusalOf(registry: ToolRegistry, name: string): Error | null {
  const failure = registry.lastFailure(name);
  if (failure === null) return null;
  if (isHostError(failure) || isToolhostError(failure)) return failure;
  return new HostError(
    'TOOLHOST_ERR_PLUGIN_LOAD_FAILED',
    { plugin: name, details: failure instanceof Error ? failure.message : String(failure) },
    { cause: failure },
  );
}
