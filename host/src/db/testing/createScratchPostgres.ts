import { randomBytes } from 'node:crypto';
import { openDatabase } from '../openDatabase.js';
import type { ScratchDatabase } from './ScratchDatabase.js';

/**
 * Creates the PostgreSQL database `th_<random>` through `adminUrl`, so test files running in
 * parallel never share tables; `url` is `adminUrl` naming it instead. Where the server supports
 * it the database collates with ICU `en-US`, so code that leans on the server's collation for
 * its ordering fails in tests instead of in production.
 */
export async function createScratchPostgres(adminUrl: string): Promise<ScratchDatabase> {
  const admin = await openDatabase(adminUrl, { migrate: false });
  const connection = admin.orm.em.getConnection();
  const name = `th_${randomBytes(6).toString('hex')}`;
  try {
    await connection.execute(
      `create database "${name}" template template0 locale_provider icu icu_locale 'en-US' lc_collate 'C.UTF-8' lc_ctype 'C.UTF-8'`,
    );
  } catch {
    await connection.execute(`create database "${name}"`);
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async drop() {
      try {
        await connection.execute(`drop database if exists "${name}" with (force)`);
      } finally {
        await admin.close();
      }
    },
  };
}
