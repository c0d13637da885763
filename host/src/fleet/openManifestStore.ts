import type { Logger } from 'winston';
import type { Settings } from '../config/Settings.js';
import { openDatabase } from '../db/openDatabase.js';
import { createFileManifestStore } from '../manifests/createFileManifestStore.js';
import type { ManifestStore } from '../manifests/ManifestStore.js';
import { createDatabaseManifestStore, seedManifests } from './createDatabaseManifestStore.js';

/** A manifest store opened for a command, with what closes it. */
export interface OpenedManifestStore {
  store: ManifestStore;
  close(): Promise<void>;
}

/**
 * The manifest store the settings name, for the CLI: the manifests dir, or (fleet) the
 * `plugin_manifest` table of the database, migrated and seeded as a starting host would.
 */
export async function openManifestStore(
  settings: Settings,
  logger: Logger,
): Promise<OpenedManifestStore> {
  if (settings.fleet.manifestStore === 'files') {
    return { store: createFileManifestStore(settings.manifestsDir), close: async () => {} };
  }
  const database = await openDatabase(settings.databaseUrl);
  try {
    await seedManifests(database, settings.manifestsDir, logger);
  } catch (error) {
    await database.close();
    throw error;
  }
  return {
    store: createDatabaseManifestStore({ database, url: settings.databaseUrl, logger }),
    close: () => database.close(),
  };
}
