import type { Manifest } from '@toolhost/plugin-sdk';

/**
 * The built-in plugins, with the manifests they get in legacy mode
 * (AGENT_TOOL_REGISTRY_MODE=legacy: manifests on disk are ignored, these are wired
 * statically; ENABLE_* flags still apply).
 */
export const BUILTIN_PLUGINS: readonly Manifest[] = [
  {
    name: 'echo',
    enabled: true,
    source: { path: 'echo' },
    isolation: 'inline',
    permissions: { cache: true },
  },
];
