import { join } from 'node:path';
import type { Settings } from '../config/Settings.js';
import { readManifests } from '../manifests/readManifests.js';
import { writeManifestEnabled } from '../manifests/writeManifestEnabled.js';

/** `toolhost plugins list|enable|disable`: works on the manifest files; a running host follows them. */
export async function pluginsCommand(settings: Settings, args: readonly string[]): Promise<number> {
  const [action, name] = args;
  const entries = await readManifests(settings.manifestsDir);
  if (action === 'list') {
    if (entries.length === 0) console.log(`no manifests in ${settings.manifestsDir}`);
    for (const entry of entries) {
      if (entry.manifest === null) {
        console.log(`${entry.name.padEnd(20)} invalid   ${entry.error}`);
        continue;
      }
      const source =
        'path' in entry.manifest.source
          ? entry.manifest.source.path
          : `${entry.manifest.source.package}@${entry.manifest.source.version}`;
      console.log(
        `${entry.name.padEnd(20)} ${entry.manifest.enabled ? 'enabled ' : 'disabled'}  ${source}`,
      );
    }
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
  console.error('usage: toolhost plugins list | enable <name> | disable <name>');
  return 2;
}
