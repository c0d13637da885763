import { prefixUpperBound } from './prefixUpperBound.js';

/** The statement behind `store.list()`, with `?` placeholders. */
export interface StoreListQuery {
  sql: string;
  params: unknown[];
}

/**
 * Lists one plugin's documents under `prefix`, in code point order. A range on the key, never
 * LIKE: `%`, `_` and `\` stay plain characters, and the primary key index serves it (on
 * PostgreSQL the key column collates "C" since Migration20261202000100; SQLite's text compares
 * bytewise), so a prefix reads only its own keys.
 */
export function storeListQuery(
  sqlite: boolean,
  plugin: string,
  prefix: string,
  limit: number | undefined,
): StoreListQuery {
  const key = sqlite ? '"key"' : '"key" collate "C"';
  const param = sqlite ? '?' : '? collate "C"';
  const params: unknown[] = [plugin];
  let sql = 'select "key", "value", "updated_at" from "plugin_document" where "plugin" = ?';
  if (prefix !== '') {
    sql += ` and ${key} >= ${param}`;
    params.push(prefix);
    const bound = prefixUpperBound(prefix);
    if (bound !== null) {
      sql += ` and ${key} < ${param}`;
      params.push(bound);
    }
  }
  sql += ` order by ${key}`;
  if (limit !== undefined) {
    sql += ' limit ?';
    params.push(limit);
  }
  return { sql, params };
}
