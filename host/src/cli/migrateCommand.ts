import type { Settings } from '../config/Settings.js';
import { openDatabase } from '../db/openDatabase.js';

/** `toolhost migrate [--status | --down]`. */
export async function migrateCommand(settings: Settings, args: readonly string[]): Promise<number> {
  const database = await openDatabase(settings.databaseUrl, { migrate: false });
  try {
    if (args.includes('--status')) {
      const status = await database.migrationStatus();
      for (const name of status.executed) console.log(`executed  ${name}`);
      for (const name of status.pending) console.log(`pending   ${name}`);
      return 0;
    }
    if (args.includes('--down')) {
      const reverted = await database.rollback();
      console.log(reverted.length ? `reverted  ${reverted.join(', ')}` : 'nothing to revert');
      return 0;
    }
    const applied = await database.migrate();
    console.log(applied.length ? `applied   ${applied.join(', ')}` : 'database is up to date');
    return 0;
  } finally {
    await database.close();
  }
}
