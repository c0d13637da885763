import { describe, expect, it } from 'vitest';
import { registryConfig } from './registryConfig.js';

describe('the dev registry config', () => {
  it('is registry/config.yaml with storage and users under the given folder', () => {
    const config = registryConfig({ dir: '/srv/data/registry' });
    expect(config.storage).toBe('/srv/data/registry/storage');
    expect(config.auth.htpasswd.file).toBe('/srv/data/registry/htpasswd');
    expect(config.auth.htpasswd.max_users).toBeUndefined();
    expect(config['uplinks']).toEqual({});
    for (const rule of Object.values(config.packages)) {
      expect(rule).toEqual({
        access: '$all',
        publish: '$authenticated',
        unpublish: '$authenticated',
      });
    }
  });

  it('can require a token for reads, and close registration', () => {
    const config = registryConfig({ dir: '/r', access: '$authenticated', maxUsers: -1 });
    expect(Object.values(config.packages).every((rule) => rule.access === '$authenticated')).toBe(
      true,
    );
    expect(config.auth.htpasswd.max_users).toBe(-1);
  });
});
