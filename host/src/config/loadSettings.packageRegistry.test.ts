import { describe, expect, it } from 'vitest';
import { isHostError } from '../errors.js';
import { loadSettings } from './loadSettings.js';
import { maskSettings } from './maskSettings.js';

const KEY = 'J6j0OMcMRMUC6hMGEAx6N8yWKQ5Q+OhFz9Ew5DvWfA0=';
const OTHER = 'DFJ7oxgjeIjRlqATs1F0O3ooWrGwwiMOaTmbpz8TYGw=';

function refusal(env: Record<string, string>): unknown {
  try {
    loadSettings(env, '/srv');
  } catch (error) {
    return error;
  }
  return null;
}

describe('package registry settings', () => {
  it('default to no registry, 30 s timeouts, 2 retries and no signatures required', () => {
    expect(loadSettings({}, '/srv').packageRegistry).toEqual({
      url: null,
      token: null,
      timeoutMs: 30_000,
      retries: 2,
      requireSignedPlugins: false,
      trustedPublisherKeys: [],
    });
  });

  it('read every TOOLHOST_REGISTRY_* variable, with a trailing slash on the URL', () => {
    const settings = loadSettings(
      {
        TOOLHOST_REGISTRY_URL: 'http://127.0.0.1:4873',
        TOOLHOST_REGISTRY_TOKEN: 'npm-token',
        TOOLHOST_REGISTRY_TIMEOUT_MS: '500',
        TOOLHOST_REGISTRY_RETRIES: '0',
        TOOLHOST_REQUIRE_SIGNED_PLUGINS: 'true',
        TOOLHOST_TRUSTED_PUBLISHER_KEYS: `${KEY}, ${OTHER}`,
      },
      '/srv',
    );
    expect(settings.packageRegistry).toEqual({
      url: 'http://127.0.0.1:4873/',
      token: 'npm-token',
      timeoutMs: 500,
      retries: 0,
      requireSignedPlugins: true,
      trustedPublisherKeys: [KEY, OTHER],
    });
    expect(maskSettings(settings)['packageRegistry']).toMatchObject({ token: '***' });
  });

  it.each([
    [{ TOOLHOST_REGISTRY_URL: 'file:///srv/registry' }, 'TOOLHOST_REGISTRY_URL'],
    [{ TOOLHOST_REGISTRY_RETRIES: '11' }, 'TOOLHOST_REGISTRY_RETRIES'],
    [{ TOOLHOST_TRUSTED_PUBLISHER_KEYS: 'not-a-key' }, 'TOOLHOST_TRUSTED_PUBLISHER_KEYS'],
    [{ TOOLHOST_REQUIRE_SIGNED_PLUGINS: 'true' }, 'TOOLHOST_REQUIRE_SIGNED_PLUGINS'],
  ])('refuse %j, naming the variable', (env, variable) => {
    const error = refusal(env);
    expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_SETTINGS_INVALID');
    expect((error as Error).message).toContain(variable);
  });
});
