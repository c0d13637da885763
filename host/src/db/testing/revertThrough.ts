import type { Database } from '../Database.js';
import { migrationsList } from '../migrations/index.js';

/**
 * Reverts the migrations after `name`, newest first, then `name` itself, one at a time,
 * so a migration's test does not depend on being the newest one. Returns what the later
 * migrations were (oldest first) for the test to apply them again.
 * @throws when `name` is not a migration, or a rollback reverts something unexpected.
 */
export async function revertThrough(database: Database, name: string): Promise<string[]> {
  const names = migrationsList.map((migration) => migration.name);
  const at = names.indexOf(name);
  if (at < 0) throw new Error(`revertThrough: no migration named '${name}'`);
  const later = names.slice(at + 1);
  for (const expected of [...later].reverse().concat(name)) {
    const reverted = await database.rollback();
    if (reverted.length !== 1 || reverted[0] !== expected) {
      throw new Error(
        `revertThrough: expected to revert '${expected}', reverted ${JSON.stringify(reverted)}`,
      );
    }
  }
  return later;
}
