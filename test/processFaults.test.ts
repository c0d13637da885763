// Issue 11: a `process` plugin gets the worker's fault handling (hang → killed and started
// again, crash / exit / out of memory → failed calls, a fresh runtime next), plus what only a
// child process can do to the host: write broken frames on its channel.
import type { JsonObject, ToolResult } from '@toolhost/plugin-sdk';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { Manifest } from '../host/src/manifests/Manifest.js';
import type { PluginStatus } from '../host/src/plugins/PluginStatus.js';
import { describeWithProcessSandbox } from './support/processSandbox.js';
import { startTestHost, type TestHost } from './support/testHost.js';

const eventually = { timeout: 10_000, interval: 20 };

function processPlugin(name: string, extra: Partial<Manifest> = {}): Manifest {
  return {
    name,
    enabled: true,
    source: { path: name },
    isolation: 'process',
    policy: { timeoutMs: 300 },
    ...extra,
  };
}

describeWithProcessSandbox('process isolation: faults', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startTestHost(
      (dirs) => {
        for (const copy of ['faulty', 'faulty-oom', 'faulty-bg']) dirs.addPlugin('faulty', copy);
        dirs.addPlugin('greeter');
        dirs.writeManifest(processPlugin('faulty'));
        dirs.writeManifest(
          processPlugin('faulty-oom', { limits: { heapMb: 64 }, policy: { timeoutMs: 20_000 } }),
        );
        dirs.writeManifest(processPlugin('faulty-bg', { policy: { timeoutMs: 5_000 } }));
        dirs.writeManifest({ name: 'greeter', enabled: true, source: { path: 'greeter' } });
      },
      {
        TOOLHOST_PLUGIN_HANG_GRACE_MS: '200',
        TOOLHOST_PLUGIN_HEARTBEAT_MS: '50',
        TOOLHOST_PLUGIN_CRASH_LIMIT: '100',
      },
    );
  });
  afterAll(() => t?.stop());

  async function invoke(tool: string, input: JsonObject = {}): Promise<ToolResult> {
    const { status, body } = await t.request(`/v1/tools/${tool}/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input }),
    });
    expect(status).toBe(200);
    return body as ToolResult;
  }

  const statusOf = (name: string): PluginStatus => t.host.registry.status(name);
  const whoami = async (plugin: string) =>
    (await invoke(`${plugin}.whoami`)).data as {
      instanceId: string;
      imports: number;
      config: JsonObject;
    };

  it.each(
    (
      [
        ['throws', 'faulty', 'throws', {}, 'internal', null],
        ['spins in synchronous code', 'faulty', 'spin', {}, 'timeout', 'it was killed for hanging'],
        ['exhausts its heap', 'faulty-oom', 'oom', {}, 'crashed', 'its process ran out of memory'],
        ['calls process.exit', 'faulty', 'exit', {}, 'crashed', 'its process exited with code 3'],
        [
          'throws outside any call',
          'faulty',
          'throw_later',
          {},
          'crashed',
          'an uncaught exception ended its process',
        ],
        [
          'writes bytes that are no frame',
          'faulty',
          'break_protocol',
          { kind: 'garbage' },
          'crashed',
          'it broke the runtime protocol',
        ],
        [
          'announces a 512 MB frame',
          'faulty',
          'break_protocol',
          { kind: 'huge' },
          'crashed',
          'it broke the runtime protocol',
        ],
        [
          'floods its channel with well-formed frames',
          'faulty-oom',
          'break_protocol',
          { kind: 'flood' },
          'crashed',
          'it broke the runtime protocol',
        ],
        [
          'sends a frame nested 100,000 deep',
          'faulty',
          'break_protocol',
          { kind: 'deep' },
          'crashed',
          'it broke the runtime protocol',
        ],
      ] as const
    ).map(([fault, plugin, tool, input, code, cause]) => ({
      fault,
      plugin,
      tool,
      input,
      code,
      cause,
    })),
  )(
    'a tool that $fault answers $code while another plugin keeps answering',
    async ({ plugin, tool, input, code, cause }) => {
      const before = await whoami(plugin);
      const restarts = statusOf(plugin).runtime?.restarts ?? 0;

      const fault = invoke(`${plugin}.${tool}`, input);
      await expect(invoke('greeter.greet', { name: 'Ada' })).resolves.toMatchObject({
        success: true,
      });
      expect(await fault).toMatchObject({ success: false, errorCode: code });

      if (cause !== null) {
        await vi.waitFor(
          () => expect(statusOf(plugin).runtime?.restarts).toBe(restarts + 1),
          eventually,
        );
        expect(statusOf(plugin).runtime?.lastFault).toContain(cause);
      }
      expect((await whoami(plugin)).instanceId !== before.instanceId).toBe(cause !== null);
      expect((await t.request('/healthz')).status).toBe(200);
    },
  );

  it('bounds Buffers too (prlimit --as), which a heap limit does not', async () => {
    const result = await invoke('faulty-oom.buffers', { maxMb: 3_000 });
    expect(result).toMatchObject({ success: true });
    expect((result.data as { stoppedAtMb?: number }).stoppedAtMb).toBeLessThan(1_500);
  });

  it('imports the plugin only inside its process, which sees an empty environment', async () => {
    expect((await whoami('faulty')).imports).toBe(1);
    expect(await invoke('faulty.env')).toMatchObject({ data: { keys: [] } });
  });

  it('upgrades blue/green: the old process finishes its calls, the new one takes the new ones', async () => {
    const v1 = await whoami('faulty-bg');
    const slow = invoke('faulty-bg.hang_ignoring_abort', { ms: 1_500 });
    t.dirs.writeManifest(
      processPlugin('faulty-bg', { config: { marker: 'v2' }, policy: { timeoutMs: 5_000 } }),
    );
    await vi.waitFor(
      async () => expect((await whoami('faulty-bg')).config).toEqual({ marker: 'v2' }),
      eventually,
    );
    expect((await whoami('faulty-bg')).instanceId).not.toBe(v1.instanceId);
    expect(await slow).toMatchObject({ success: true, data: { instanceId: v1.instanceId } });
    await vi.waitFor(
      () =>
        expect(
          t.lines.some((l) => l.message === 'plugin runtime stopped' && l.plugin === 'faulty-bg'),
        ).toBe(true),
      eventually,
    );
  });
});
