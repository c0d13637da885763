import { HostError } from '../errors.js';

/** Where the host database lives, as parsed from the `databaseUrl` setting. */
export type DatabaseLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

const EXPECTED = 'expected sqlite:<path>, file:<path> or postgres://user@host:5432/database';

function invalid(details: string): HostError {
  return new HostError('TOOLHOST_ERR_SETTINGS_INVALID', { variable: 'DATABASE_URL', details });
}

function sqliteFile(rest: string): DatabaseLocation {
  // `sqlite://data/x.sqlite` is relative, `sqlite:///var/x.sqlite` absolute: drop only the `//`.
  const file = rest.startsWith('//') ? rest.slice(2) : rest;
  if (file === '') throw invalid(`no file path after the scheme; ${EXPECTED}`);
  return { kind: 'sqlite', file };
}

/**
 * Parses the host's `databaseUrl`: `sqlite:<path>`, `sqlite://<path>`, `file:<path>` (relative
 * paths stay relative, `:memory:` is an in-memory database), or a `postgres://` /
 * `postgresql://` URL, which is returned unchanged.
 * @throws HostError `TOOLHOST_ERR_SETTINGS_INVALID` for anything else; the message never
 * repeats the value, which may hold a password.
 */
export function parseDatabaseUrl(databaseUrl: string): DatabaseLocation {
  const value = databaseUrl.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) throw invalid(`no scheme; ${EXPECTED}`);
  const rest = value.slice(scheme.length + 1);
  if (scheme === 'sqlite' || scheme === 'file') return sqliteFile(rest);
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    throw invalid(`unsupported scheme '${scheme}:'; ${EXPECTED}`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`not a valid ${scheme}:// URL; ${EXPECTED}`);
  }
  if (!rest.startsWith('//') || url.hostname === '') {
    throw invalid(`the ${scheme}:// URL names no host; ${EXPECTED}`);
  }
  return { kind: 'postgres', url: value };
}
