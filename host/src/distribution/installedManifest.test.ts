import { describe, expect, it } from 'vitest';
import { checkManifest } from '../manifests/validateManifest.js';
import {
  INSTALLED_PLUGIN_ISOLATION,
  installedManifest,
  manifestChoicesOf,
} from './installedManifest.js';
import type { InstallRecord } from './InstallRecord.js';

const record: InstallRecord = {
  package: '@acme/plugin-billing',
  version: '1.2.0',
  integrity: `sha512-${'A'.repeat(86)}==`,
  pluginName: 'billing',
  sdkRange: '^1.0.0',
  requested: '^1',
  registry: 'http://127.0.0.1:4873/',
  signedBy: null,
  files: {},
  filesDigest: `sha256-${'B'.repeat(43)}=`,
  lockfile: null,
  installedAt: '2026-12-01T00:00:00.000Z',
};

describe('the manifest an install writes', () => {
  it("is pinned to name, version, integrity and file digest, in 'process' isolation by default", () => {
    expect(INSTALLED_PLUGIN_ISOLATION).toBe('process');
    const manifest = installedManifest(record, false);
    expect(manifest).toEqual({
      name: 'billing',
      enabled: false,
      source: {
        package: '@acme/plugin-billing',
        version: '1.2.0',
        integrity: record.integrity,
        filesDigest: record.filesDigest,
      },
      isolation: 'process',
    });
    expect(checkManifest(manifest).ok).toBe(true);
  });

  it("takes the operator's choices, and a lower isolation only when asked for", () => {
    const choices = manifestChoicesOf(
      {
        isolation: 'worker',
        config: { baseUrl: 'https://x.example' },
        permissions: { http: ['https://x.example'] },
      },
      'choices.json',
    );
    expect(installedManifest(record, true, choices)).toMatchObject({
      enabled: true,
      isolation: 'worker',
      config: { baseUrl: 'https://x.example' },
      permissions: { http: ['https://x.example'] },
    });
  });

  it.each([
    [{ name: 'crm' }, 'field "name" is set by the installer'],
    [{ source: { path: '/etc' } }, 'field "source" is set by the installer'],
    [{ enabled: true }, 'field "enabled" is set by the installer'],
    [[], 'not a JSON object'],
  ])('refuses choices %j', (value, message) => {
    expect(() => manifestChoicesOf(value, 'choices.json')).toThrow(message);
  });
});
