import { ConnectionException } from '@mikro-orm/core';
import { HostError } from '../errors.js';
import type { DatabaseLocation } from './parseDatabaseUrl.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/**
 * True when the error says the database cannot be reached or opened (network, server shut
 * down, authentication, missing database, unopenable file), as opposed to a failing statement.
 */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof ConnectionException) return true;
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || code === '3D000') return true;
    // SQLSTATE classes: 08 connection exception, 28 invalid authorization, 57P operator intervention.
    if (/^(08|28)[0-9A-Z]{3}$/.test(code) || /^57P0[1-4]$/.test(code)) return true;
    if (/^SQLITE_(CANTOPEN|NOTADB|IOERR)/.test(code)) return true;
  }
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|timeout exceeded when trying to connect/i.test(message);
}

/** The database's address fit for logs and errors: a file path, or the URL without its password. */
export function describeDatabase(location: DatabaseLocation): string {
  if (location.kind === 'sqlite') return location.file;
  const url = new URL(location.url);
  if (url.password !== '') url.password = '***';
  return url.href;
}

function secretsOf(location: DatabaseLocation): string[] {
  if (location.kind === 'sqlite') return [];
  const { password } = new URL(location.url);
  if (password === '') return [];
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // A malformed escape is kept as written; the raw form is scrubbed either way.
  }
  return [password, decoded];
}

function reasonOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(reasonOf).join('; ');
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return error.message || (typeof code === 'string' ? code : error.name);
  }
  return String(error);
}

/** Scrubs credentials from a driver message: `scheme://user:secret@` forms and the URL's password. */
export function scrubSecrets(text: string, location: DatabaseLocation): string {
  let scrubbed = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@');
  for (const secret of secretsOf(location)) scrubbed = scrubbed.split(secret).join('***');
  return scrubbed;
}

/** `TOOLHOST_ERR_DATABASE_UNAVAILABLE` naming the database and the driver's reason, never a password. */
export function databaseUnavailable(location: DatabaseLocation, error: unknown): HostError {
  const details = scrubSecrets(`${describeDatabase(location)} (${reasonOf(error)})`, location);
  return new HostError('TOOLHOST_ERR_DATABASE_UNAVAILABLE', { details }, { cause: error });
}
