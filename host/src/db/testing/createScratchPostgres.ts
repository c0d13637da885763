import { createPostgresDatabase } from '../createPostgresDatabase.js';
import type { ScratchDatabase } from './ScratchDatabase.js';

/**
 * Creates the PostgreSQL database `th_<random>` through `adminUrl`, so test files running in
 * parallel never share tables; `url` is `adminUrl` naming it instead. Where the server supports
 * it the database collates with ICU `en-US`, so code that leans on the server's collation for
 * its ordering fails in tests instead of in production.
 */
export function createScratchPostgres(adminUrl: string): Promise<ScratchDatabase> {
  return createPostgresDatabase(adminUrl, { prefix: 'th_', icu: true });
}
