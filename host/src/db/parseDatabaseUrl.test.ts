import { isHostError } from '../errors.js';
import { describe, expect, it } from 'vitest';
import { parseDatabaseUrl } from './parseDatabaseUrl.js';

function rejection(databaseUrl: string): { code: string; message: string } {
  try {
    parseDatabaseUrl(databaseUrl);
  } catch (error) {
    if (isHostError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error(`parseDatabaseUrl('${databaseUrl}') did not throw`);
}

describe('parseDatabaseUrl', () => {
  it.each([
    ['sqlite:data/toolhost.sqlite', 'data/toolhost.sqlite'],
    ['sqlite://data/toolhost.sqlite', 'data/toolhost.sqlite'],
    ['sqlite:///var/lib/toolhost.sqlite', '/var/lib/toolhost.sqlite'],
    ['sqlite:/var/lib/toolhost.sqlite', '/var/lib/toolhost.sqlite'],
    ['file:./data/x.sqlite', './data/x.sqlite'],
    ['file:///tmp/x.sqlite', '/tmp/x.sqlite'],
    ['SQLite:data/x.sqlite', 'data/x.sqlite'],
    ['sqlite::memory:', ':memory:'],
    ['  sqlite:data/x.sqlite\n', 'data/x.sqlite'],
  ])('reads %j as the SQLite file %j', (input, file) => {
    expect(parseDatabaseUrl(input)).toEqual({ kind: 'sqlite', file });
  });

  it.each([
    'postgres://postgres@127.0.0.1:5432/test',
    'postgresql://app:s3cret@db.internal/toolhost?sslmode=verify-full',
    'postgres://localhost',
  ])('keeps the PostgreSQL URL %j unchanged', (url) => {
    expect(parseDatabaseUrl(url)).toEqual({ kind: 'postgres', url });
  });

  it.each([
    ['', 'no scheme'],
    ['data/toolhost.sqlite', 'no scheme'],
    ['sqlite:', 'no file path'],
    ['sqlite://', 'no file path'],
    ['mysql://root:hunter2@localhost/db', "unsupported scheme 'mysql:'"],
    ['postgres:///toolhost', 'names no host'],
    ['postgres:db.internal/toolhost', 'names no host'],
    ['postgres://app:hunter2@[::1/db', 'not a valid postgres:// URL'],
  ])('refuses %j with TOOLHOST_ERR_SETTINGS_INVALID (%s)', (input, reason) => {
    const { code, message } = rejection(input);
    expect(code).toBe('TOOLHOST_ERR_SETTINGS_INVALID');
    expect(message).toContain('Environment variable DATABASE_URL is invalid');
    expect(message).toContain(reason);
    expect(message).not.toContain('hunter2');
  });
});
