// Issue 10: a plugin in a worker that throws, hangs, spins, exhausts its heap or exits costs
// one failed call, never the host. One host serves every test of this file (each worker
// plugin is a copy of test/fixtures/plugins/faulty under its own name).
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JsonObject, ToolResult } from '@toolhost/plugin-sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Manifest } from '../host/src/manifests/Manifest.js';
import type { PluginStatus, ToolDescription } from '../host/src/plugins/PluginStatus.js';
import { startTestHost, type TestHost } from './support/testHost.js';

const eventually = { timeout: 10_000, interval: 20 };
const CANARY = 'TOOLHOST_TEST_CANARY';

/** A loopback upstream: `/hold` answers only when the test releases it. */
interface Upstream {
  server: Server;
  origin: string;
  hits: string[];
  held: ServerResponse[];
}

async function startUpstream(): Promise<Upstream> {
  const upstream: Upstream = { server: createServer(), origin: '', hits: [], held: [] };
  upstream.server.on('request', (req, res) => {
    upstream.hits.push(req.url ?? '');
    if (req.url === '/hold') upstream.held.push(res);
    else res.end('fine');
  });
  await new Promise<void>((resolve) => upstream.server.listen(0, '127.0.0.1', resolve));
  upstream.origin = `http://127.0.0.1:${(upstream.server.address() as AddressInfo).port}`;
  return upstream;
}

let t: TestHost;
let granted: Upstream;
let ungranted: Upstream;

function worker(name: string, extra: Partial<Manifest> = {}): Manifest {
  return {
    name,
    enabled: true,
    source: { path: name },
    isolation: 'worker',
    policy: { timeoutMs: 300 },
    ...extra,
  };
}

beforeAll(async () => {
  process.env[CANARY] = 'the host environment';
  granted = await startUpstream();
  ungranted = await startUpstream();
  const grants = { http: [granted.origin], cache: true, store: true };
  t = await startTestHost(
    (dirs) => {
      for (const copy of ['faulty', 'faulty-oom', 'faulty-two', 'faulty-breaker', 'faulty-bg']) {
        dirs.addPlugin('faulty', copy);
      }
      dirs.addPlugin('greeter');
      dirs.writeManifest(worker('faulty', { permissions: grants }));
      dirs.writeManifest(
        worker('faulty-oom', { limits: { heapMb: 32 }, policy: { timeoutMs: 10_000 } }),
      );
      dirs.writeManifest(worker('faulty-two', { permissions: grants }));
      dirs.writeManifest(
        worker('faulty-breaker', {
          policy: { timeoutMs: 300, circuitBreaker: { consecutiveFailures: 2 } },
        }),
      );
      dirs.writeManifest(
        worker('faulty-bg', { permissions: grants, policy: { timeoutMs: 20_000 } }),
      );
      dirs.writeManifest({ name: 'greeter', enabled: true, source: { path: 'greeter' } });
    },
    {
      TOOLHOST_PLUGIN_HANG_GRACE_MS: '200',
      TOOLHOST_PLUGIN_HEARTBEAT_MS: '50',
      TOOLHOST_PLUGIN_CRASH_LIMIT: '100',
    },
  );
});

afterAll(async () => {
  await t?.stop();
  delete process.env[CANARY];
  for (const upstream of [granted, ungranted]) {
    for (const res of upstream?.held ?? []) res.end();
    await new Promise((resolve) => upstream?.server.close(resolve));
  }
});

/** A call through the HTTP API, as a client makes it. */
async function invoke(tool: string, input: JsonObject = {}): Promise<ToolResult> {
  const { status, body } = await t.request(`/v1/tools/${tool}/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ input }),
  });
  expect(status).toBe(200);
  return body as ToolResult;
}

async function whoami(
  plugin: string,
): Promise<{ instanceId: string; imports: number; config: JsonObject }> {
  const result = await invoke(`${plugin}.whoami`);
  expect(result).toMatchObject({ success: true });
  return result.data as { instanceId: string; imports: number; config: JsonObject };
}

function statusOf(name: string): PluginStatus {
  const status = t.host.registry.statuses().find((s) => s.name === name);
  if (!status) throw new Error(`no plugin ${name}`);
  return status;
}

describe('worker isolation: faults', () => {
  it.each(
    [
      // fault, plugin, tool, input, answer, fresh worker next, why the last one ended
      ['throws', 'faulty', 'throws', {}, 'internal', false, null],
      ['hangs, honouring its abort', 'faulty', 'hang_honouring_abort', {}, 'timeout', false, null],
      [
        'hangs, ignoring its abort',
        'faulty',
        'hang_ignoring_abort',
        { ms: 1_000 },
        'timeout',
        false,
        null,
      ],
      [
        'spins in synchronous code',
        'faulty',
        'spin',
        {},
        'timeout',
        true,
        'it was killed for hanging',
      ],
      [
        'allocates until out of memory',
        'faulty-oom',
        'oom',
        {},
        'crashed',
        true,
        'its worker ran out of memory',
      ],
      [
        'calls process.exit',
        'faulty',
        'exit',
        {},
        'crashed',
        true,
        'its worker exited with code 3',
      ],
      [
        'throws outside any call',
        'faulty',
        'throw_later',
        {},
        'crashed',
        true,
        'an uncaught exception ended its worker',
      ],
    ].map(([fault, plugin, tool, input, code, fresh, cause]) => ({
      fault,
      plugin,
      tool,
      input,
      code,
      fresh,
      cause,
    })) as Array<{
      fault: string;
      plugin: string;
      tool: string;
      input: JsonObject;
      code: string;
      fresh: boolean;
      cause: string | null;
    }>,
  )(
    'a tool that $fault answers $code while another plugin keeps answering (next call in a fresh worker: $fresh)',
    async ({ plugin, tool, input, code, fresh, cause }) => {
      const before = await whoami(plugin);
      const restarts = statusOf(plugin).runtime?.restarts ?? 0;

      const fault = invoke(`${plugin}.${tool}`, input);
      await expect(invoke('greeter.greet', { name: 'Ada' })).resolves.toMatchObject({
        success: true,
        data: { greeting: 'hello Ada' },
      });
      expect(await fault).toMatchObject({ success: false, errorCode: code });

      if (fresh) {
        await vi.waitFor(
          () => expect(statusOf(plugin).runtime?.restarts).toBe(restarts + 1),
          eventually,
        );
        expect(statusOf(plugin).runtime?.lastFault).toContain(cause);
      } else {
        expect(statusOf(plugin).runtime?.restarts).toBe(restarts);
      }
      const after = await whoami(plugin);
      expect(after.instanceId !== before.instanceId).toBe(fresh);
      expect(statusOf(plugin)).toMatchObject({ state: 'enabled', isolation: 'worker' });
      expect((await t.request('/healthz')).status).toBe(200);
    },
  );

  it("tells the client a generic message for an exception, and the log the plugin's own", async () => {
    const result = await invoke('faulty.throws');
    expect(result.error).toBe("Tool 'faulty.throws' failed with an internal error");
    expect(t.lines).toContainEqual(
      expect.objectContaining({
        message: 'tool threw',
        tool_name: 'faulty.throws',
        error: 'connect ECONNREFUSED 10.9.8.7:5432 as billing_admin',
      }),
    );
  });

  it('names the fault in the status and the log when a worker ends', async () => {
    await invoke('faulty.exit');
    await vi.waitFor(
      () => expect(statusOf('faulty').runtime?.lastFault).toBe('its worker exited with code 3'),
      eventually,
    );
    expect(t.lines).toContainEqual(
      expect.objectContaining({
        message: 'plugin runtime ended',
        plugin: 'faulty',
        cause: 'its worker exited with code 3',
      }),
    );
  });

  it('counts crashes toward the circuit breaker', async () => {
    for (let i = 0; i < 2; i++) {
      expect(await invoke('faulty-breaker.exit')).toMatchObject({ errorCode: 'crashed' });
    }
    expect(await invoke('faulty-breaker.exit')).toMatchObject({ errorCode: 'circuit_open' });
    const { body } = await t.request('/v1/tools');
    const tools = (body as { tools: ToolDescription[] }).tools;
    expect(tools.find((tool) => tool.name === 'faulty-breaker.exit')?.state.circuit).toBe('open');
  });

  it('a worker that replaces JSON.parse and fetch changes them for itself only', async () => {
    expect(await invoke('faulty-two.patch_globals')).toMatchObject({ success: true });

    expect(await invoke('faulty-two.use_json')).toMatchObject({
      success: false,
      errorCode: 'internal',
    });
    expect(JSON.parse('{"host":true}')).toEqual({ host: true });
    await expect(invoke('greeter.greet', { name: 'Bo' })).resolves.toMatchObject({ success: true });
    // ctx.http runs on the host's own fetch, and the protocol on JSON taken before the plugin ran
    expect(await invoke('faulty-two.fetch_via_ctx', { url: `${granted.origin}/ok` })).toMatchObject(
      {
        success: true,
        data: { status: 200, body: 'fine' },
      },
    );
  });
});

describe('worker isolation: what the plugin sees', () => {
  it('imports the plugin only inside its worker', async () => {
    expect((await whoami('faulty-two')).imports).toBe(1);
    expect((globalThis as { toolhostImports?: number }).toolhostImports).toBeUndefined();
  });

  it('sees no host environment variable through process.env', async () => {
    expect(process.env[CANARY]).toBe('the host environment');
    expect(await invoke('faulty-two.env')).toMatchObject({ success: true, data: { keys: [] } });
  });

  it('reaches a granted origin through ctx.http, and an ungranted one not at all', async () => {
    expect(await invoke('faulty.fetch_via_ctx', { url: `${granted.origin}/ok` })).toMatchObject({
      success: true,
      data: { status: 200 },
    });
    const refused = await invoke('faulty.fetch_via_ctx', { url: `${ungranted.origin}/steal` });
    expect(refused).toMatchObject({ success: false, errorCode: 'permission_denied' });
    expect(refused.error).toBe(`Plugin 'faulty' is not granted http access to ${ungranted.origin}`);
    expect(ungranted.hits).toEqual([]);
  });

  it('keeps the cache and the store namespaced per plugin', async () => {
    const key = `k-${Date.now()}`;
    await invoke('faulty.cache_roundtrip', { key, value: { from: 'faulty' } });
    expect(await invoke('faulty-two.cache_roundtrip', { key })).toMatchObject({
      data: { value: null },
    });
    await invoke('faulty-two.cache_roundtrip', { key, value: { from: 'faulty-two' } });
    expect(await invoke('faulty.cache_roundtrip', { key })).toMatchObject({
      data: { value: { from: 'faulty' } },
    });

    await invoke('faulty.store_roundtrip', { key, value: { from: 'faulty' } });
    expect(await invoke('faulty-two.store_roundtrip', { key })).toMatchObject({
      data: { value: null },
    });
    expect(await invoke('faulty.store_roundtrip', { key })).toMatchObject({
      data: { value: { from: 'faulty' } },
    });
  });

  it('refuses a capability the manifest does not grant from inside the worker', async () => {
    expect(await invoke('faulty-breaker.cache_roundtrip', { key: 'k', value: 1 })).toMatchObject({
      success: false,
      errorCode: 'permission_denied',
    });
  });

  it("writes the plugin's log lines through the host, capped in rate", async () => {
    expect(await invoke('faulty.log_lines', { count: 3 })).toMatchObject({ success: true });
    await vi.waitFor(
      () =>
        expect(t.lines.filter((l) => l.message === 'line 2' && l.plugin === 'faulty')).toHaveLength(
          1,
        ),
      eventually,
    );
    const before = t.lines.length;
    expect(await invoke('faulty.log_lines', { count: 2_000 })).toMatchObject({ success: true });
    await vi.waitFor(
      () =>
        expect(t.lines.slice(before).some((l) => l.message === 'plugin log lines dropped')).toBe(
          true,
        ),
      eventually,
    );
    expect(
      t.lines.slice(before).filter((l) => String(l.message).startsWith('line ')).length,
    ).toBeLessThan(2_000);
  });
});

describe('worker isolation: upgrades', () => {
  it('starts the new version beside the old: calls in flight finish on the old worker, new ones go to the new', async () => {
    const v1 = await whoami('faulty-bg');
    expect(v1.config).toEqual({ marker: 'v1' });
    const inFlight = Array.from({ length: 3 }, () =>
      invoke('faulty-bg.fetch_via_ctx', { url: `${granted.origin}/hold` }),
    );
    await vi.waitFor(() => expect(granted.held).toHaveLength(3), eventually);

    t.dirs.writeManifest(
      worker('faulty-bg', {
        config: { marker: 'v2' },
        permissions: { http: [granted.origin] },
        policy: { timeoutMs: 20_000 },
      }),
    );
    await vi.waitFor(
      async () => expect((await whoami('faulty-bg')).config).toEqual({ marker: 'v2' }),
      eventually,
    );
    const v2 = await whoami('faulty-bg');
    expect(v2.instanceId).not.toBe(v1.instanceId);

    for (const res of granted.held.splice(0)) res.end('released');
    for (const result of await Promise.all(inFlight)) {
      expect(result).toMatchObject({
        success: true,
        data: { body: 'released', instanceId: v1.instanceId },
      });
    }
    await vi.waitFor(
      () =>
        expect(
          t.lines.filter((l) => l.message === 'plugin runtime stopped' && l.plugin === 'faulty-bg'),
        ).toHaveLength(1),
      eventually,
    );
    expect(statusOf('faulty-bg')).toMatchObject({ state: 'enabled', isolation: 'worker' });
  });
});
