import type { PluginFlags } from '../config/Settings.js';
import { applyPluginFlags } from '../manifests/applyPluginFlags.js';
import { isMcpSource, type Manifest } from '../manifests/Manifest.js';
import type { PluginRegistration } from './ToolRegistry.js';

/**
 * How a manifest registers its plugin: enabled as it says unless an ENABLE_* flag forces it
 * on or off, which the note then shows (`forced off by ENABLE_CRM_TOOL=false`).
 */
export function registrationOf(
  manifest: Manifest,
  manifestFile: string | null,
  flags: PluginFlags,
): PluginRegistration {
  const effective = applyPluginFlags(manifest.name, manifest.enabled, flags);
  return {
    enabled: effective.enabled,
    manifestFile,
    // An MCP server runs outside the host, whatever the manifest says.
    isolation: isMcpSource(manifest.source) ? 'process' : (manifest.isolation ?? 'inline'),
    note: effective.forcedBy
      ? `forced ${effective.enabled ? 'on' : 'off'} by ${effective.forcedBy}`
      : null,
  };
}
