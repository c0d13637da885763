// Issue 11: a plugin in `process` isolation gets what its manifest grants and nothing else.
// The same hostile fixture (granted nothing) runs inline, in a worker and in a process in
// one host, so every row shows the attempt working where nothing stops it: the test proves
// the sandbox, not a broken fixture.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server as NetServer,
} from 'node:net';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonObject, ToolResult } from '@toolhost/plugin-sdk';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { Manifest } from '../host/src/manifests/Manifest.js';
import type { PluginStatus, ToolDescription } from '../host/src/plugins/PluginStatus.js';
import { describeWithProcessSandbox } from './support/processSandbox.js';
import { startTestHost, type TestHost } from './support/testHost.js';

type Isolation = 'inline' | 'worker' | 'process';
const ISOLATIONS: readonly Isolation[] = ['inline', 'worker', 'process'];
const CANARY = 'TOOLHOST_TEST_CANARY';
const GREETER_KEY = 'TOOLHOST_TEST_GREETER_KEY';
const EMAIL = 'ada.lovelace@example.com';
const eventually = { timeout: 10_000, interval: 20 };

function manifest(name: string, extra: Partial<Manifest> = {}): Manifest {
  return { name, enabled: true, source: { path: name }, ...extra };
}

describeWithProcessSandbox('process isolation: a hostile plugin granted nothing', () => {
  let t: TestHost;
  let upstream: Server;
  let upstreamHits = 0;
  let granted: Server;
  let unixServer: NetServer;
  let unixPath: string;
  const decoys = new Map<Isolation, ChildProcess>();
  const port = (server: Server | NetServer) => (server.address() as AddressInfo).port;

  beforeAll(async () => {
    process.env[CANARY] = 'an admin token';
    process.env[GREETER_KEY] = 'sk-live-greeter-secret';
    upstream = createServer((_req, res) => (upstreamHits++, res.end('upstream data')));
    granted = createServer((_req, res) => res.end('granted data'));
    unixPath = join(tmpdir(), `toolhost-hostile-${process.pid}.sock`);
    unixServer = createNetServer((socket) => socket.end());
    await Promise.all([
      new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve)),
      new Promise<void>((resolve) => granted.listen(0, '127.0.0.1', resolve)),
      new Promise<void>((resolve) => unixServer.listen(unixPath, resolve)),
    ]);
    for (const isolation of ISOLATIONS) {
      decoys.set(isolation, spawn('sleep', ['60'], { stdio: 'ignore' }));
    }
    t = await startTestHost((dirs) => {
      for (const isolation of ISOLATIONS) {
        dirs.addPlugin('hostile', `hostile-${isolation}`);
        dirs.writeManifest(manifest(`hostile-${isolation}`, { isolation }));
      }
      dirs.addPlugin('greeter');
      dirs.writeManifest(manifest('greeter', { secrets: { apiKey: { env: GREETER_KEY } } }));
      dirs.addPlugin('faulty', 'courier');
      dirs.writeManifest(
        manifest('courier', {
          isolation: 'process',
          permissions: { http: [`http://127.0.0.1:${port(granted)}`] },
        }),
      );
    });
  });

  afterAll(async () => {
    await t?.stop();
    for (const decoy of decoys.values()) decoy.kill();
    await Promise.all(
      [upstream, granted, unixServer].map((s) => new Promise((resolve) => s?.close(resolve))),
    );
    delete process.env[CANARY];
    delete process.env[GREETER_KEY];
  });

  async function invoke(tool: string, input: JsonObject = {}): Promise<ToolResult> {
    const { status, body } = await t.request(`/v1/tools/${tool}/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input }),
    });
    expect(status).toBe(200);
    return body as ToolResult;
  }

  async function attempt(isolation: Isolation, probe: string, input: JsonObject) {
    const result = await invoke(`hostile-${isolation}.${probe}`, input);
    expect(result, `${probe} in ${isolation}`).toMatchObject({ success: true });
    return result.data as { outcome: 'ALLOWED' | 'refused'; detail: string };
  }

  const dirs = () => t.dirs;
  type Probe = [
    probe: string,
    input: (isolation: Isolation) => JsonObject,
    worker: 'ALLOWED' | 'refused',
  ];
  const probes: Probe[] = [
    ['read_env', () => ({ names: [CANARY, GREETER_KEY] }), 'refused'],
    // /proc/self/environ is the environment the process started with (PATH, an admin token)
    ['read_proc_environ', () => ({ names: ['PATH', 'HOME'] }), 'ALLOWED'],
    ['read_etc_passwd', () => ({}), 'ALLOWED'],
    ['read_symlink_in_own_folder', () => ({}), 'ALLOWED'],
    [
      'read_other_plugin',
      () => ({ path: join(dirs().pluginsDir, 'greeter', 'index.js') }),
      'ALLOWED',
    ],
    ['list_manifests', () => ({ dir: dirs().manifestsDir }), 'ALLOWED'],
    ['read_manifest', () => ({ path: join(dirs().manifestsDir, 'greeter.json') }), 'ALLOWED'],
    ['list_data_dir', () => ({ dir: dirs().dataDir }), 'ALLOWED'],
    [
      'write_own_manifest',
      (i) => ({ path: join(dirs().manifestsDir, `hostile-${i}.json`) }),
      'ALLOWED',
    ],
    ['write_own_folder', () => ({}), 'ALLOWED'],
    [
      'write_tmp',
      (i) => ({ path: join(tmpdir(), `toolhost-hostile-${i}-${process.pid}`) }),
      'ALLOWED',
    ],
    ['open_host_sqlite', () => ({ path: join(dirs().dataDir, 'toolhost.sqlite') }), 'ALLOWED'],
    ['spawn_process', () => ({}), 'ALLOWED'],
    ['start_worker', () => ({}), 'ALLOWED'],
    ['process_binding', () => ({}), 'ALLOWED'],
    ['signal_host_user_process', (i) => ({ pid: decoys.get(i)!.pid! }), 'ALLOWED'],
    ['fetch_host', () => ({ url: `${t.host.url}/healthz` }), 'ALLOWED'],
    ['fetch_upstream', () => ({ url: `http://127.0.0.1:${port(upstream)}/` }), 'ALLOWED'],
    ['net_connect_upstream', () => ({ port: port(upstream) }), 'ALLOWED'],
    ['unix_socket_of_host', () => ({ path: unixPath }), 'ALLOWED'],
    ['resolve_name', () => ({}), 'ALLOWED'],
  ];

  it.each(probes.map(([probe, input, worker]) => ({ probe, input, worker })))(
    '$probe: succeeds inline, is refused in a process (in a worker: $worker)',
    async ({ probe, input, worker }) => {
      const outcomes = Object.fromEntries(
        await Promise.all(
          ISOLATIONS.map(async (isolation) => [
            isolation,
            await attempt(isolation, probe, input(isolation)),
          ]),
        ),
      ) as Record<Isolation, { outcome: string; detail: string }>;
      expect(
        Object.fromEntries(ISOLATIONS.map((i) => [i, outcomes[i].outcome])),
        JSON.stringify(outcomes),
      ).toEqual({ inline: 'ALLOWED', worker, process: 'refused' });
    },
  );

  it('the killed decoys prove which signals got through: inline and worker killed theirs, process did not', async () => {
    await vi.waitFor(() => {
      expect(decoys.get('inline')!.signalCode).toBe('SIGKILL');
      expect(decoys.get('worker')!.signalCode).toBe('SIGKILL');
    }, eventually);
    expect(decoys.get('process')!.exitCode).toBeNull();
    expect(decoys.get('process')!.signalCode).toBeNull();
  });

  it("spies on JSON.parse and Object.freeze: inline sees a customer e-mail and another plugin's secret, the sandbox nothing", async () => {
    for (const isolation of ISOLATIONS) {
      expect((await attempt(isolation, 'spy_install', {})).outcome).toBe('ALLOWED');
    }
    const message = await t.request('/v1/sessions/spy-session/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: `Please write to me at ${EMAIL}` }),
    });
    expect(message.status).toBe(200);
    await t.host.plugins!.reload('greeter');

    const reports = Object.fromEntries(
      await Promise.all(
        ISOLATIONS.map(async (i) => [i, await attempt(i, 'spy_report', { needle: EMAIL })]),
      ),
    ) as Record<Isolation, { outcome: string; detail: string }>;
    expect(reports.inline).toMatchObject({ outcome: 'ALLOWED' });
    expect(reports.inline.detail).toContain(EMAIL);
    expect(reports.inline.detail).toContain('greeter.apiKey=sk-live-greeter-secret');
    expect(reports.worker.outcome).toBe('refused');
    expect(reports.process.outcome).toBe('refused');
  });

  it('wrote nothing: no file of the sandboxed attempts is left, and the manifests are as written', () => {
    expect(existsSync(join(tmpdir(), `toolhost-hostile-process-${process.pid}`))).toBe(false);
    expect(t.host.registry.status('hostile-process')).toMatchObject({
      state: 'enabled',
      isolation: 'process',
      runtime: { sandbox: 'bwrap' },
    });
  });

  it('ctx.http reaches a granted loopback origin from the sandbox; raw network reaches nothing', async () => {
    expect(
      await invoke('courier.fetch_via_ctx', { url: `http://127.0.0.1:${port(granted)}/` }),
    ).toMatchObject({ success: true, data: { status: 200, body: 'granted data' } });
    const hits = upstreamHits;
    const refused = await invoke('courier.fetch_via_ctx', {
      url: `http://127.0.0.1:${port(upstream)}/`,
    });
    expect(refused).toMatchObject({ success: false, errorCode: 'permission_denied' });
    expect(upstreamHits).toBe(hits);
  });

  it('the host and the other plugins kept serving, and /v1/tools shows the sandbox in force', async () => {
    expect((await t.request('/healthz')).status).toBe(200);
    expect(await invoke('greeter.greet', { name: 'Ada' })).toMatchObject({ success: true });
    const { body } = await t.request('/v1/tools');
    const tool = (body as { tools: ToolDescription[] }).tools.find(
      (d) => d.name === 'hostile-process.read_env',
    );
    expect(tool).toMatchObject({ isolation: 'process', sandbox: 'bwrap' });
    const ready = (await t.request('/readyz')).body as { plugins: PluginStatus[] };
    expect(ready.plugins.find((p) => p.name === 'courier')?.runtime).toMatchObject({
      isolation: 'process',
      sandbox: 'bwrap',
    });
  });
});

describeWithProcessSandbox('process isolation: the weaker mode an operator chooses', () => {
  let t: TestHost;
  let upstream: Server;
  beforeAll(async () => {
    upstream = createServer((_req, res) => res.end('reached'));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    t = await startTestHost(
      (dirs) => {
        dirs.addPlugin('hostile', 'hostile-weak');
        dirs.writeManifest(manifest('hostile-weak', { isolation: 'process' }));
      },
      { TOOLHOST_PROCESS_SANDBOX: 'permission' },
    );
  });
  afterAll(async () => {
    await t?.stop();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  const attempt = async (probe: string, input: JsonObject = {}) =>
    (
      (
        await t.host.invoker.invoke(`hostile-weak.${probe}`, input, {
          requestId: 'r',
          sessionId: null,
        })
      ).result.data as { outcome: string }
    ).outcome;

  it('is reported as what it is, and keeps only what the permission model enforces', async () => {
    expect(t.host.registry.status('hostile-weak').runtime).toMatchObject({
      isolation: 'process',
      sandbox: 'permission',
    });
    const { body } = await t.request('/v1/tools');
    expect((body as { tools: ToolDescription[] }).tools[0]).toMatchObject({
      sandbox: 'permission',
    });
    expect(await attempt('read_etc_passwd')).toBe('refused');
    expect(await attempt('spawn_process')).toBe('refused');
    expect(await attempt('read_env', { names: ['PATH', 'HOME'] })).toBe('refused');
    // What it does not stop, and the README says so: the network is the host's.
    expect(
      await attempt('fetch_upstream', {
        url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`,
      }),
    ).toBe('ALLOWED');
  });
});
