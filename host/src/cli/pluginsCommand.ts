import { join } from 'node:path';
import type { Settings } from '../config/Settings.js';
import { readManifests } from '../manifests/readManifests.js';
import { writeManifestEnabled } from '../manifests/writeManifestEnabled.js';
import { distributionCommand, listPlugins } from './distributionCommands.js';

/**
 * `toolhost plugins list|enable|disable` and the distribution subcommands: they work on the
 * manifest files (and installed folders); a running host follows them.
 */
export async function pluginsCommand(settings: Settings, args: readonly string[]): Promise<number> {
  const [action, name] = args;
  const distribution = await distributionCommand(settings, action, args.slice(1));
  if (distribution !== null) return distribution;
  const entries = await readManifests(settings.manifestsDir);
  if (action === 'list') {
    if (entries.length === 0) console.log(`no manifests in ${settings.manifestsDir}`);
    for (const line of await listPlugins(settings)) console.log(line);
    return 0;
  }
  if ((action === 'enable' || action === 'disable') && name) {
    const entry = entries.find((e) => e.name === name);
    if (!entry) {
      console.error(`toolhost: no manifest ${join(settings.manifestsDir, `${name}.json`)}`);
      return 1;
    }
    if (entry.manifest === null) {
      console.error(`toolhost: ${entry.error}`);
      return 1;
    }
    await writeManifestEnabled(entry.file, action === 'enable');
    console.log(`${name} ${action}d`);
    return 0;
  }
  console.error(
    'usage: toolhost plugins list | enable <name> | disable <name> | new | install | update | remove | keygen | sign (see toolhost help)',
  );
  return 2;
}
