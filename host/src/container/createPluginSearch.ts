import type { SearchCapability } from '@toolhost/plugin-sdk';
import type { SearchHit } from '@toolhost/plugin-sdk/host';
import {
  checkSearchDocuments,
  checkSearchIds,
  checkSearchOptions,
  checkSearchText,
  makeSearchSnippet,
  searchTerms,
} from '@toolhost/plugin-sdk/host';
import { SqlitePlatform } from '@mikro-orm/sql';
import type { SqlOrm } from '../db/Database.js';
import { withDatabase } from '../db/withDatabase.js';
import { createPostgresSearchBackend } from './createPostgresSearchBackend.js';
import { createSqliteSearchBackend } from './createSqliteSearchBackend.js';
import type { SearchBackend, SearchRow } from './SearchBackend.js';

const backends = new WeakMap<SqlOrm, SearchBackend>();

/** How many of the terms a document must hold, tried in turn: all, two (of 3 to 6), one. */
function matchSteps(terms: number): number[] {
  if (terms === 1) return [1];
  return terms >= 3 && terms <= 6 ? [terms, 2, 1] : [terms, 1];
}

/** One backend per database, so every plugin shares its prepared statements. */
function backendOf(orm: SqlOrm): SearchBackend {
  let backend = backends.get(orm);
  if (backend === undefined) {
    backend =
      orm.em.getPlatform() instanceof SqlitePlatform
        ? createSqliteSearchBackend(orm)
        : createPostgresSearchBackend(orm);
    backends.set(orm, backend);
  }
  return backend;
}

/**
 * The `search` capability of one plugin, in the host database (SQLite FTS5 or PostgreSQL
 * full-text search): every statement is limited to the plugin's own rows, and query text
 * becomes quoted words (searchTerms), so no syntax in it reaches the database. Bad arguments
 * reject with `TOOLHOST_ERR_SEARCH_INVALID`; a closed or unreachable database with
 * `TOOLHOST_ERR_DATABASE_UNAVAILABLE`.
 */
export function createPluginSearch(orm: SqlOrm, pluginName: string): SearchCapability {
  if (typeof pluginName !== 'string' || pluginName === '') {
    throw new TypeError('createPluginSearch(): pluginName must be a non-empty string');
  }
  const plugin = pluginName;
  const backend = backendOf(orm);
  return {
    async index(documents) {
      const checked = checkSearchDocuments(documents);
      if (checked.length === 0) return { added: 0, updated: 0 };
      return withDatabase(orm, () => backend.upsert(plugin, checked));
    },

    async remove(ids) {
      const checked = checkSearchIds(ids);
      if (checked.length === 0) return 0;
      return withDatabase(orm, () => backend.remove(plugin, checked));
    },

    async query(text, options) {
      const terms = searchTerms(checkSearchText(text));
      const { limit, tags } = checkSearchOptions(options);
      if (terms.length === 0) return [];
      // Documents holding every word first, then those holding two, then any: when there
      // are `limit` of them, ranking only those spares scoring the many that hold one
      // common word (the cost of a search grows with the documents it ranks). On SQLite, bm25()
      // of the two-word step counts a word once for each other word a document holds with it:
      // a document holding more of the words ranks higher.
      const rows = await withDatabase(orm, async () => {
        let found: SearchRow[] = [];
        for (const atLeast of matchSteps(terms.length)) {
          found = await backend.query(plugin, terms, atLeast, limit, tags);
          if (found.length === limit) break;
        }
        return found;
      });
      return rows.map((row): SearchHit => ({
        id: row.id,
        title: row.title,
        score: row.score,
        snippet: makeSearchSnippet(row.body, terms),
        tags: row.tags,
      }));
    },

    async count() {
      return withDatabase(orm, () => backend.count(plugin));
    },
  };
}
