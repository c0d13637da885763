import { describe, expect, it } from 'vitest';
import { isHostError } from '../errors.js';
import { loadSettings } from './loadSettings.js';
import { maskSettings } from './maskSettings.js';

describe('loadSettings', () => {
  it('gives the embedded defaults for an empty environment', () => {
    const settings = loadSettings({}, '/srv/app');
    expect(settings).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      manifestsDir: '/srv/app/manifests',
      pluginsDir: '/srv/app/plugins',
      dataDir: '/srv/app/data',
      databaseUrl: 'sqlite:/srv/app/data/toolhost.sqlite',
      redisUrl: null,
      useSharedContext: false,
      auditWriteMode: 'sync',
      registryMode: 'registry',
      pluginFlags: {},
      adminToken: null,
      logLevel: 'info',
    });
  });

  it('coerces and applies every kind of variable', () => {
    const settings = loadSettings(
      {
        PORT: '9090',
        USE_SHARED_CONTEXT: 'true',
        REDIS_URL: 'redis://127.0.0.1:6379',
        ENABLE_CRM_TOOL: 'true',
        ENABLE_RAG: 'false',
        AGENT_TOOL_REGISTRY_MODE: 'legacy',
        AUDIT_WRITE_MODE: 'async',
        DATABASE_URL: 'postgres://u:secret@db:5432/app',
        TOOLHOST_DATA_DIR: '/var/lib/toolhost',
        LOG_LEVEL: 'debug',
        HOST: ' ',
      },
      '/srv',
    );
    expect(settings).toMatchObject({
      host: '127.0.0.1',
      port: 9090,
      useSharedContext: true,
      pluginFlags: { crm: true, rag: false },
      registryMode: 'legacy',
      auditWriteMode: 'async',
      dataDir: '/var/lib/toolhost',
      logLevel: 'debug',
    });
  });

  it.each([
    ['PORT', { PORT: 'eighty' }, 'PORT is invalid: "eighty" must be integer'],
    ['PORT', { PORT: '70000' }, 'PORT is invalid: "70000" must be <= 65535'],
    ['USE_SHARED_CONTEXT', { USE_SHARED_CONTEXT: 'maybe' }, 'USE_SHARED_CONTEXT is invalid'],
    ['AUDIT_WRITE_MODE', { AUDIT_WRITE_MODE: 'later' }, 'AUDIT_WRITE_MODE is invalid'],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }, 'DATABASE_URL is invalid'],
    ['TOOLHOST_ADMIN_TOKEN', { TOOLHOST_ADMIN_TOKEN: 'short' }, 'TOOLHOST_ADMIN_TOKEN is invalid'],
    ['USE_SHARED_CONTEXT', { USE_SHARED_CONTEXT: 'true' }, 'true needs REDIS_URL to be set'],
  ])('a bad %s stops start-up with a message naming it', (variable, env, message) => {
    try {
      loadSettings(env);
      expect.unreachable();
    } catch (error) {
      expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_SETTINGS_INVALID');
      expect((error as Error).message).toContain(`Environment variable ${variable}`);
      expect((error as Error).message).toContain(message);
    }
  });

  it('never shows a secret in the error about a bad value', () => {
    const bad = (env: Record<string, string>) => {
      try {
        loadSettings(env);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('expected a refusal');
    };
    expect(bad({ TOOLHOST_ADMIN_TOKEN: 'hunter2secret' })).not.toContain('hunter2secret');
    const url = bad({ DATABASE_URL: 'mysql://app:S3cretPw@db/x' });
    expect(url).not.toContain('S3cretPw');
    expect(url).toContain('mysql://app:***@db/x');
  });

  it('masks the admin token and URL passwords for logging', () => {
    const masked = maskSettings(
      loadSettings({
        TOOLHOST_ADMIN_TOKEN: 'a-very-secret-admin-token',
        DATABASE_URL: 'postgres://app:hunter2@db:5432/app',
        REDIS_URL: 'redis://:pw@cache:6379',
      }),
    );
    const text = JSON.stringify(masked);
    expect(text).not.toContain('a-very-secret-admin-token');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain(':pw@');
    expect(masked['databaseUrl']).toBe('postgres://app:***@db:5432/app');
  });

  it('reads AUDIT_BLOB_URL and the AWS SDK variables, and masks the secret key', () => {
    const settings = loadSettings({
      AUDIT_BLOB_URL: 's3://toolhost-audit/prod/blobs/',
      AWS_ENDPOINT_URL_S3: 'http://minio:9000',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'very-secret',
    });
    expect(settings.auditBlobs).toEqual({
      location: { kind: 's3', bucket: 'toolhost-audit', prefix: 'prod/blobs' },
      endpoint: 'http://minio:9000',
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'very-secret' },
    });
    expect(JSON.stringify(maskSettings(settings))).not.toContain('very-secret');
    expect(loadSettings({}).auditBlobs).toEqual({
      location: { kind: 'file' },
      endpoint: null,
      region: null,
      credentials: null,
    });
  });

  it.each([
    [{ AUDIT_BLOB_URL: 'file:///tmp/blobs' }, 'AUDIT_BLOB_URL'],
    [{ AUDIT_BLOB_URL: 's3://' }, 'AUDIT_BLOB_URL'],
    [{ AUDIT_BLOB_URL: 's3://Bad_Bucket/x' }, 'AUDIT_BLOB_URL'],
    [{ AUDIT_BLOB_URL: 's3://bucket/a//b' }, 'AUDIT_BLOB_URL'],
    [{ AUDIT_BLOB_URL: 's3://bucket/../x' }, 'AUDIT_BLOB_URL'],
    [{ AWS_ENDPOINT_URL_S3: 'minio:9000' }, 'AWS_ENDPOINT_URL_S3'],
    [{ AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE' }, 'AWS_SECRET_ACCESS_KEY'],
    [{ AWS_SECRET_ACCESS_KEY: 'very-secret' }, 'AWS_ACCESS_KEY_ID'],
  ])('refuses %j naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadSettings(env);
    } catch (e) {
      error = e;
    }
    expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_SETTINGS_INVALID');
    expect(isHostError(error) && error.params['variable']).toBe(variable);
    expect(String((error as Error).message)).not.toContain('very-secret');
  });
});
