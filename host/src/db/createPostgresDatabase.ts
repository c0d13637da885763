import { randomBytes } from 'node:crypto';
import { openDatabase } from './openDatabase.js';

/** A database created for one run (a test file, `npm run stack`); dropped when it ends. */
export interface CreatedDatabase {
  /** `adminUrl` naming the new database: a `databaseUrl` setting that opens it. */
  readonly url: string;
  /** Deletes the database; connections still open to it are ended. */
  drop(): Promise<void>;
}

export interface CreateDatabaseOptions {
  /** The name is `<prefix><12 hex digits>`. */
  prefix: string;
  /** Collate with ICU `en-US` where the server supports it (else its default). */
  icu?: boolean;
}

/**
 * Creates a PostgreSQL database with a random name through `adminUrl`, so runs side by side
 * never share tables.
 */
export async function createPostgresDatabase(
  adminUrl: string,
  options: CreateDatabaseOptions,
): Promise<CreatedDatabase> {
  const admin = await openDatabase(adminUrl, { migrate: false });
  const connection = admin.orm.em.getConnection();
  const name = `${options.prefix}${randomBytes(6).toString('hex')}`;
  const plain = `create database "${name}"`;
  const withIcu = `${plain} template template0 locale_provider icu icu_locale 'en-US' lc_collate 'C.UTF-8' lc_ctype 'C.UTF-8'`;
  if (!options.icu) {
    await connection.execute(plain);
  } else {
    // A server built without ICU refuses it: the database gets the default collation then.
    await connection.execute(withIcu).catch(() => connection.execute(plain));
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
