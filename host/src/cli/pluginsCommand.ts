import type { Settings } from '../config/Settings.js';
import { openManifestStore, type OpenedManifestStore } from '../fleet/openManifestStore.js';
import type { ManifestStore } from '../manifests/ManifestStore.js';
import { createLogger } from '../telemetry/createLogger.js';
import { distributionCommand, listPlugins } from './distributionCommands.js';

/**
 * `toolhost plugins list|enable|disable` and the distribution subcommands: they work on the
 * manifest store (the manifests dir, or a fleet's `plugin_manifest` table) and installed
 * folders; a running host follows them.
 */
export async function pluginsCommand(settings: Settings, args: readonly string[]): Promise<number> {
  // Opened on first use: `plugins new`, `keygen` and `sign` need no manifests.
  const held: { opened: Promise<OpenedManifestStore> | null } = { opened: null };
  const manifests = async () =>
    (await (held.opened ??= openManifestStore(settings, createLogger('warn', process.stderr))))
      .store;
  try {
    return await plugins(settings, args, manifests);
  } finally {
    if (held.opened) await (await held.opened).close();
  }
}

async function plugins(
  settings: Settings,
  args: readonly string[],
  manifests: () => Promise<ManifestStore>,
): Promise<number> {
  const [action, name] = args;
  const distribution = await distributionCommand(settings, action, args.slice(1), manifests);
  if (distribution !== null) return distribution;
  if (action === 'list') {
    const store = await manifests();
    const lines = await listPlugins(settings, store);
    if (lines.length === 0) {
      console.log(
        store.kind === 'files'
          ? `no manifests in ${settings.manifestsDir}`
          : 'no manifests in plugin_manifest',
      );
    }
    for (const line of lines) console.log(line);
    return 0;
  }
  if ((action === 'enable' || action === 'disable') && name) {
    const store = await manifests();
    const entry = await store.read(name);
    if (!entry) {
      console.error(`toolhost: no manifest ${store.locationOf(name)}`);
      return 1;
    }
    if (entry.manifest === null) {
      console.error(`toolhost: ${entry.error}`);
      return 1;
    }
    await store.setEnabled(name, action === 'enable');
    console.log(`${name} ${action}d`);
    return 0;
  }
  console.error(
    'usage: toolhost plugins list | enable <name> | disable <name> | new | install | update | remove | keygen | sign (see toolhost help)',
  );
  return 2;
}
