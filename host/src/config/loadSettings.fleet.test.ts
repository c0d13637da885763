import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { isHostError } from '../errors.js';
import { loadSettings } from './loadSettings.js';

const POSTGRES = 'postgres://app@db:5432/app';

describe('loadSettings: the fleet', () => {
  it('keeps manifests in files on SQLite and in the database on PostgreSQL by default', () => {
    expect(loadSettings({}, '/srv').fleet).toEqual({
      manifestStore: 'files',
      hostId: `${hostname()}:${process.pid}`,
      reconcileMs: 5_000,
    });
    expect(loadSettings({ DATABASE_URL: POSTGRES }, '/srv').fleet.manifestStore).toBe('database');
  });

  it('lets an operator choose files on PostgreSQL, and names the host and the reconcile', () => {
    expect(
      loadSettings(
        {
          DATABASE_URL: POSTGRES,
          TOOLHOST_MANIFEST_STORE: 'files',
          TOOLHOST_HOST_ID: 'eu-1.host-a',
          TOOLHOST_FLEET_RECONCILE_MS: '250',
        },
        '/srv',
      ).fleet,
    ).toEqual({ manifestStore: 'files', hostId: 'eu-1.host-a', reconcileMs: 250 });
  });

  it.each([
    [{ TOOLHOST_MANIFEST_STORE: 'database' }, 'TOOLHOST_MANIFEST_STORE', 'needs DATABASE_URL'],
    [{ TOOLHOST_MANIFEST_STORE: 'redis' }, 'TOOLHOST_MANIFEST_STORE', 'must be equal to one of'],
    [{ TOOLHOST_HOST_ID: 'a b' }, 'TOOLHOST_HOST_ID', 'must match pattern'],
    [{ TOOLHOST_FLEET_RECONCILE_MS: '10' }, 'TOOLHOST_FLEET_RECONCILE_MS', 'must be >= 50'],
  ])('refuses %o with a coded error naming the variable', (env, variable, details) => {
    try {
      loadSettings(env, '/srv');
      expect.unreachable();
    } catch (error) {
      expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_SETTINGS_INVALID');
      expect((error as Error).message).toContain(variable);
      expect((error as Error).message).toContain(details);
    }
  });
});
