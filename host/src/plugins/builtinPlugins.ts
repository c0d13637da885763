import type { Manifest } from '../manifests/Manifest.js';

/**
 * The built-in support plugins with the manifests they get in legacy mode
 * (AGENT_TOOL_REGISTRY_MODE=legacy: manifests on disk are ignored and these are wired
 * statically from the plugins dir; ENABLE_* flags still apply).
 */
export const BUILTIN_PLUGINS: readonly Manifest[] = [
  {
    name: 'rag',
    enabled: true,
    source: { path: 'rag' },
    permissions: { store: true, search: true },
  },
  { name: 'memory', enabled: true, source: { path: 'memory' }, permissions: { store: true } },
  {
    name: 'escalation',
    enabled: true,
    source: { path: 'escalation' },
    permissions: { store: true },
  },
];
