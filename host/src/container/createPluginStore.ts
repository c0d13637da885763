import type { JsonObject, StoreCapability } from '@toolhost/plugin-sdk';
import type { StoredDocument } from '@toolhost/plugin-sdk/host';
import type { SqlOrm } from '../db/Database.js';
import { createSqlRunner } from '../db/createSqlRunner.js';
import { withDatabase } from '../db/withDatabase.js';
import { storeListQuery } from './storeListQuery.js';

export interface PluginStoreOptions {
  /** Clock for `updatedAt`; tests inject one. */
  now?: () => Date;
}

export const MAX_STORE_KEY_LENGTH = 512;

// Lone surrogates and NUL are legal in JS strings but PostgreSQL rejects (jsonb) or mangles
// (text) them, so both backends refuse them alike. Matches `\u0000` / `\udXXX` escapes that
// JSON.stringify emits, skipping escaped backslashes.
const UNSTORABLE_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/;
const LONE_SURROGATE = /\p{Cs}/u;

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `a string of ${value.length} characters` : typeof value;
}

function checkKey(operation: string, key: unknown): asserts key is string {
  if (typeof key !== 'string' || key === '') {
    throw new TypeError(
      `store.${operation}(): key must be a non-empty string, got ${describeValue(key)}`,
    );
  }
  if (key.length > MAX_STORE_KEY_LENGTH) {
    throw new RangeError(
      `store.${operation}(): key must be at most ${MAX_STORE_KEY_LENGTH} characters, got ${key.length}`,
    );
  }
  if (key.includes('\u0000') || LONE_SURROGATE.test(key)) {
    throw new TypeError(`store.${operation}(): key must not contain NUL or unpaired surrogates`);
  }
}

function checkPrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string') {
    throw new TypeError(`store.list(): prefix must be a string, got ${describeValue(prefix)}`);
  }
  if (prefix.length > MAX_STORE_KEY_LENGTH) {
    throw new RangeError(
      `store.list(): prefix must be at most ${MAX_STORE_KEY_LENGTH} characters, got ${prefix.length}`,
    );
  }
}

function checkLimit(limit: unknown): asserts limit is number | undefined {
  if (limit !== undefined && !(Number.isSafeInteger(limit) && (limit as number) >= 0)) {
    throw new RangeError(
      `store.list(): limit must be a non-negative integer, got ${String(limit)}`,
    );
  }
}

function isPlainObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The value as the database will hold it: a JSON round trip, like every other backend. */
function toStoredJson(value: unknown): JsonObject {
  if (!isPlainObject(value)) {
    throw new TypeError(
      `store.put(): value must be a plain JSON object, got ${describeValue(value)}`,
    );
  }
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(
      `store.put(): value must be JSON-serializable (${error instanceof Error ? error.message : String(error)})`,
      { cause: error },
    );
  }
  if (UNSTORABLE_ESCAPE.test(json)) {
    throw new TypeError('store.put(): value must not contain NUL or unpaired surrogates');
  }
  return JSON.parse(json) as JsonObject;
}

/**
 * The `store` capability of one plugin: documents in `plugin_document`, namespaced by the
 * `plugin` column so plugins never see each other's keys. Keys are non-empty strings of at
 * most 512 characters; `list` matches prefixes exactly (case-sensitive, `%` and `_` are plain
 * characters) and orders by key in code point order on every backend.
 * Invalid arguments reject with a TypeError or RangeError naming the operation; a closed or
 * unreachable database rejects with `TOOLHOST_ERR_DATABASE_UNAVAILABLE`.
 */
export function createPluginStore(
  orm: SqlOrm,
  pluginName: string,
  options: PluginStoreOptions = {},
): StoreCapability {
  if (typeof pluginName !== 'string' || pluginName === '') {
    throw new TypeError(`createPluginStore(): pluginName must be a non-empty string`);
  }
  const plugin = pluginName;
  const now = options.now ?? (() => new Date());

  // Plain statements: this is every plugin's hot path, and the entity manager's identity
  // map and hydration cost more than the query itself.
  const sql = createSqlRunner(orm);
  const sqlite = sql.sqlite;
  const readValue = (value: unknown): JsonObject =>
    (typeof value === 'string' ? JSON.parse(value) : value) as JsonObject;
  // SQLite keeps milliseconds; PostgreSQL answers a Date or timestamptz text.
  const readDate = (value: unknown): string => {
    if (value instanceof Date) return value.toISOString();
    const text = String(value);
    return new Date(/^\d+$/.test(text) ? Number(text) : text).toISOString();
  };

  return {
    async get(key) {
      checkKey('get', key);
      const rows = await withDatabase(orm, () =>
        sql.all<{ value: unknown }>(
          'select "value" from "plugin_document" where "plugin" = ? and "key" = ?',
          [plugin, key],
        ),
      );
      return rows[0] ? readValue(rows[0].value) : null;
    },

    async put(key, value) {
      checkKey('put', key);
      const json = JSON.stringify(toStoredJson(value));
      const updatedAt = sqlite ? now().getTime() : now();
      await withDatabase(orm, () =>
        sql.run(
          'insert into "plugin_document" ("plugin", "key", "value", "updated_at") values (?, ?, ?, ?) ' +
            'on conflict ("plugin", "key") do update set "value" = excluded."value", "updated_at" = excluded."updated_at"',
          [plugin, key, json, updatedAt],
        ),
      );
    },

    async delete(key) {
      checkKey('delete', key);
      const deleted = await withDatabase(orm, () =>
        sql.run('delete from "plugin_document" where "plugin" = ? and "key" = ?', [plugin, key]),
      );
      return deleted > 0;
    },

    async list(prefix = '', listOptions = {}) {
      checkPrefix(prefix);
      const { limit } = listOptions;
      checkLimit(limit);
      if (limit === 0) return [];
      const query = storeListQuery(sqlite, plugin, prefix, limit);
      const rows = await withDatabase(orm, () =>
        sql.all<{ key: string; value: unknown; updated_at: unknown }>(query.sql, query.params),
      );
      return rows.map((row): StoredDocument => ({
        key: row.key,
        value: readValue(row.value),
        updatedAt: readDate(row.updated_at),
      }));
    },
  };
}
