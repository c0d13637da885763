import type { PluginFlags } from '../config/Settings.js';

/** The environment flag that forces each built-in plugin on or off. */
export const PLUGIN_FLAG_VARIABLES: Readonly<Record<keyof PluginFlags, string>> = {
  rag: 'ENABLE_RAG',
  memory: 'ENABLE_MEMORY',
  escalation: 'ENABLE_ESCALATION',
  crm: 'ENABLE_CRM_TOOL',
  billing: 'ENABLE_BILLING',
};

export interface EffectiveEnabled {
  enabled: boolean;
  /** The variable that overrode the manifest, if any. */
  forcedBy: string | null;
}

/** A manifest's `enabled`, unless an `ENABLE_*` flag forces the plugin on or off. */
export function applyPluginFlags(
  pluginName: string,
  declared: boolean,
  flags: PluginFlags,
): EffectiveEnabled {
  const forced = (flags as Record<string, boolean | undefined>)[pluginName];
  if (forced === undefined || forced === declared) return { enabled: declared, forcedBy: null };
  const variable = (PLUGIN_FLAG_VARIABLES as Record<string, string>)[pluginName] ?? null;
  return { enabled: forced, forcedBy: `${variable}=${String(forced)}` };
}
