import { describe, expect, it } from 'vitest';
import { manifestEntryOf } from '../manifests/readManifests.js';
import { fleetDrift, type FleetStateRow } from './fleetDrift.js';

const NOW = new Date('2026-12-02T04:00:00.000Z');
const entry = (manifest: object) => {
  const name = (manifest as { name: string }).name;
  return manifestEntryOf(name, `plugin_manifest/${name}`, JSON.stringify(manifest));
};
const echo = entry({ name: 'echo', enabled: true, source: { path: 'echo' } });
const crm = entry({ name: 'crm', enabled: false, source: { path: 'crm' } });
const billing = entry({
  name: 'billing',
  enabled: true,
  source: { package: '@acme/billing', version: '1.4.2' },
});
const live = (hostId: string) => ({ hostId, url: null, seenAt: NOW });
const row = (hostId: string, plugin: string, fields: Partial<FleetStateRow>): FleetStateRow => ({
  hostId,
  plugin,
  state: 'enabled',
  version: null,
  revision: null,
  error: null,
  ...fields,
});

describe('fleetDrift', () => {
  it('reports no drift when every live host runs the desired state', () => {
    const report = fleetDrift({
      hostId: 'a',
      desired: [echo, crm, billing],
      hosts: [live('a')],
      states: [
        row('a', 'echo', { revision: echo.hash }),
        row('a', 'crm', { state: 'disabled', revision: crm.hash }),
        row('a', 'billing', { revision: billing.hash, version: '1.4.2' }),
      ],
      now: NOW,
      staleAfterMs: 1_000,
    });
    expect(report.drift).toEqual([]);
    expect(report.desired).toEqual([
      { name: 'echo', revision: echo.hash, enabled: true, version: null, error: null },
      { name: 'crm', revision: crm.hash, enabled: false, version: null, error: null },
      { name: 'billing', revision: billing.hash, enabled: true, version: '1.4.2', error: null },
    ]);
  });

  it('names the host, plugin, version and state of every difference', () => {
    const report = fleetDrift({
      hostId: 'a',
      desired: [echo, crm, billing],
      hosts: [live('b')],
      states: [
        row('b', 'echo', { state: 'failed', revision: echo.hash, error: 'no such folder' }),
        row('b', 'crm', { revision: crm.hash }),
        row('b', 'billing', { revision: billing.hash, version: '1.4.1' }),
        row('b', 'gone', { version: '2.0.0' }),
        row('b', 'old', { state: 'disabled' }),
      ],
      now: NOW,
      staleAfterMs: 1_000,
    });
    expect(report.drift).toEqual([
      {
        host: 'b',
        plugin: 'echo',
        version: null,
        state: 'failed',
        reason: 'desired enabled, is failed: no such folder',
      },
      {
        host: 'b',
        plugin: 'crm',
        version: null,
        state: 'enabled',
        reason: 'desired disabled, is enabled',
      },
      {
        host: 'b',
        plugin: 'billing',
        version: '1.4.1',
        state: 'enabled',
        reason: 'runs version 1.4.1, desired 1.4.2',
      },
      {
        host: 'b',
        plugin: 'gone',
        version: '2.0.0',
        state: 'enabled',
        reason: 'not in the desired state, still running',
      },
    ]);
  });

  it('a host that has not applied the latest manifest, or never reported it, drifts', () => {
    const report = fleetDrift({
      hostId: 'a',
      desired: [echo, crm],
      hosts: [live('b')],
      states: [row('b', 'echo', { revision: 'an older hash' })],
      now: NOW,
      staleAfterMs: 1_000,
    });
    expect(report.drift.map((d) => [d.plugin, d.reason])).toEqual([
      ['echo', 'has not applied the latest manifest'],
      ['crm', 'has not reported this plugin'],
    ]);
  });

  it('lists a host not seen lately as stale and counts none of its rows as drift', () => {
    const report = fleetDrift({
      hostId: 'a',
      desired: [echo],
      hosts: [
        { hostId: 'gone', url: 'http://10.0.0.9:8080', seenAt: new Date(NOW.getTime() - 5_000) },
      ],
      states: [row('gone', 'echo', { state: 'failed' })],
      now: NOW,
      staleAfterMs: 1_000,
    });
    expect(report.hosts).toEqual([
      {
        hostId: 'gone',
        url: 'http://10.0.0.9:8080',
        seenAt: '2026-12-02T03:59:55.000Z',
        stale: true,
      },
    ]);
    expect(report.drift).toEqual([]);
  });

  it('a refused desired row shows its error; hosts that applied it are not in drift', () => {
    const broken = manifestEntryOf('broken', 'plugin_manifest/broken', '{"name":"broken"}');
    const report = fleetDrift({
      hostId: 'a',
      desired: [broken],
      hosts: [live('a')],
      states: [row('a', 'broken', { state: 'failed', revision: broken.hash })],
      now: NOW,
      staleAfterMs: 1_000,
    });
    expect(report.desired[0]).toMatchObject({ name: 'broken', enabled: null });
    expect(report.desired[0]?.error).toMatch(/^Manifest plugin_manifest\/broken is invalid: /);
    expect(report.drift).toEqual([]);
  });
});
