import { ok, type CallContext, type PluginContext } from '@toolhost/plugin-sdk';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCapturingLogger } from '../../../test/support/capturingLogger.js';
import { isHostError } from '../errors.js';
import { hostRebuild } from '../sandbox/hostRebuild.js';
import type { ExitReport, Launcher } from '../sandbox/LaunchedRuntime.js';
import { Peer, type Handler } from '../sandbox/protocol/Peer.js';
import { RemoteRuntime, type RemoteRuntimeOptions } from './RemoteRuntime.js';

/** One runtime as the host sees it, driven by the test: it can hang, crash or be killed. */
interface FakeRuntime {
  /** While stuck, nothing reaches it: like a thread spinning in synchronous code. */
  stuck: boolean;
  crash(cause: string): void;
  killed: boolean;
}

const description = {
  name: 'fake',
  configSchema: { type: 'object' },
  tools: { ok: { description: 'ok', inputSchema: { type: 'object' } } },
};

function fakeLauncher(handlers: Record<string, Handler> = {}) {
  const runtimes: FakeRuntime[] = [];
  const launch: Launcher = (channel) => {
    const listeners: Array<(report: ExitReport) => void> = [];
    let resolveExit!: (report: ExitReport) => void;
    const exited = new Promise<ExitReport>((resolve) => (resolveExit = resolve));
    const host = new Peer(
      {
        send: (frame) =>
          queueMicrotask(() => {
            if (!runtime.stuck) plugin.receive(frame);
          }),
      },
      { ...channel, rebuild: hostRebuild, answersPings: false },
    );
    const plugin: Peer = new Peer(
      { send: (frame) => queueMicrotask(() => host.receive(frame)) },
      {
        rebuild: hostRebuild,
        handlers: {
          load: () => description,
          start: () => null,
          stop: () => null,
          health: () => ({ healthy: true }),
          invoke: ([tool, input]) =>
            tool === 'never' ? new Promise(() => {}) : ok({ input, runtime: runtimes.length }),
          ...handlers,
        },
      },
    );
    const end = (cause: string) => {
      if (runtime.killed) return;
      runtime.killed = true;
      host.close(new Error(`ended: ${cause}`));
      for (const listener of listeners) listener({ cause, detail: cause });
      resolveExit({ cause, detail: cause });
    };
    const runtime: FakeRuntime = { stuck: false, killed: false, crash: end };
    runtimes.push(runtime);
    return {
      kind: 'worker',
      peer: host,
      exited,
      onExit: (listener) => listeners.push(listener),
      kill: async () => {
        end('killed');
        await exited;
      },
    };
  };
  return { launch, runtimes };
}

const context = { config: {}, secrets: {} } as unknown as PluginContext;
const call = (requestId = 'r'): CallContext => ({
  requestId,
  sessionId: null,
  attempt: 1,
  signal: new AbortController().signal,
  logger: { debug() {}, info() {}, warn() {}, error() {} },
});

function runtimeWith(launch: Launcher, extra: Partial<RemoteRuntimeOptions> = {}) {
  const { logger, lines } = createCapturingLogger();
  const runtime = new RemoteRuntime({
    pluginName: 'fake',
    isolation: 'worker',
    sandbox: null,
    launch,
    load: { entry: '/nowhere/index.js', pluginName: 'fake' },
    prepare: () => ({ description, context }),
    callTimeoutMs: 1_000,
    timeouts: { startTimeoutMs: 2_000, stopTimeoutMs: 500 },
    hang: { graceMs: 500, heartbeatMs: 100 },
    crashes: { limit: 3, windowMs: 60_000 },
    logger,
    ...extra,
  });
  return { runtime, lines };
}

beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'],
  });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('RemoteRuntime', () => {
  it('kills a runtime stuck past deadline + grace without a heartbeat, and serves the next call from a new one', async () => {
    const fake = fakeLauncher();
    const { runtime, lines } = runtimeWith(fake.launch);
    await runtime.start();
    const stuckCall = runtime.invoke('never', {}, call()).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(0);
    fake.runtimes[0]!.stuck = true;

    await vi.advanceTimersByTimeAsync(1_400);
    expect(fake.runtimes[0]!.killed).toBe(false);
    await vi.advanceTimersByTimeAsync(300);

    expect(await stuckCall).toMatchObject({ name: 'RuntimeFault', code: 'timeout' });
    expect(fake.runtimes[0]!.killed).toBe(true);
    const next = runtime.invoke('ok', {}, call());
    await vi.advanceTimersByTimeAsync(50);
    await expect(next).resolves.toMatchObject({ data: { runtime: 2 } });
    expect(runtime.report).toMatchObject({
      restarts: 1,
      lastFault: expect.stringContaining('hanging'),
    });
    expect(lines.find((l) => l.message === 'plugin runtime ended')).toMatchObject({
      level: 'error',
    });
    await runtime.stop(0);
  });

  it('never kills a runtime whose loop answers heartbeats, however long a call takes', async () => {
    const fake = fakeLauncher();
    const { runtime } = runtimeWith(fake.launch);
    await runtime.start();
    void runtime.invoke('never', {}, call()).catch(() => undefined);

    await vi.advanceTimersByTimeAsync(10_000);

    expect(fake.runtimes).toHaveLength(1);
    expect(fake.runtimes[0]!.killed).toBe(false);
    expect(runtime.inFlight).toBe(1);
    const stopped = runtime.stop(0);
    await vi.advanceTimersByTimeAsync(0);
    await stopped;
  });

  it('fails the calls in flight when it crashes; calls made meanwhile wait for the new runtime', async () => {
    const fake = fakeLauncher();
    const { runtime } = runtimeWith(fake.launch, { respawnDelayMs: () => 1_000 });
    await runtime.start();
    const inFlight = runtime.invoke('never', {}, call()).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(0);

    fake.runtimes[0]!.crash('its worker ran out of memory');
    expect(((await inFlight) as Error).message).toBe('ended: its worker ran out of memory');
    const waiting = runtime.invoke('ok', {}, call());
    expect((await runtime.health()).healthy).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);

    await expect(waiting).resolves.toMatchObject({ data: { runtime: 2 } });
    expect(runtime.report.lastFault).toBe('its worker ran out of memory');
    await runtime.stop(0);
  });

  it('gives up after the crash limit within the window and says why', async () => {
    const fake = fakeLauncher();
    const { runtime } = runtimeWith(fake.launch);
    const failures: Error[] = [];
    runtime.onFailure((error) => failures.push(error));
    await runtime.start();
    for (let i = 0; i < 3; i++) {
      fake.runtimes.at(-1)!.crash('its worker exited with code 3');
      await vi.advanceTimersByTimeAsync(1_000);
    }

    expect(fake.runtimes).toHaveLength(3);
    expect(failures).toHaveLength(1);
    expect(isHostError(failures[0]) && failures[0].code).toBe('TOOLHOST_ERR_PLUGIN_CRASHED');
    expect(failures[0]!.message).toBe(
      "Plugin 'fake' was stopped after 3 crashes within 60 s (the last: its worker exited with code 3); reload it to try again",
    );
    await expect(runtime.invoke('ok', {}, call())).rejects.toMatchObject({ code: 'crashed' });
  });

  it('backs off: the wait before each restart grows', async () => {
    const fake = fakeLauncher();
    const { runtime } = runtimeWith(fake.launch, { crashes: { limit: 10, windowMs: 60_000 } });
    await runtime.start();
    fake.runtimes[0]!.crash('x');
    await vi.advanceTimersByTimeAsync(50);
    expect(fake.runtimes).toHaveLength(2);
    fake.runtimes[1]!.crash('x');
    await vi.advanceTimersByTimeAsync(99);
    expect(fake.runtimes).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.runtimes).toHaveLength(3);
    await runtime.stop(0);
  });

  it('a start that overruns its timeout is a coded error and leaves nothing running', async () => {
    const fake = fakeLauncher({ start: () => new Promise(() => {}) });
    const { runtime } = runtimeWith(fake.launch);
    const starting = runtime.start().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(2_000);

    const error = await starting;
    expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_PLUGIN_TIMEOUT');
    expect((error as Error).message).toBe(
      "Plugin 'fake' did not finish starting (import, create, initialize) within 2000 ms",
    );
    expect(fake.runtimes[0]!.killed).toBe(true);
  });

  it('stop drains the calls in flight, runs cleanup, then ends the runtime', async () => {
    const order: string[] = [];
    let finish!: () => void;
    const fake = fakeLauncher({
      invoke: () => new Promise((resolve) => (finish = () => resolve(ok({})))),
      stop: () => (order.push('cleanup'), null),
    });
    const { runtime } = runtimeWith(fake.launch);
    await runtime.start();
    const inFlight = runtime.invoke('ok', {}, call()).then(() => order.push('call done'));
    await vi.advanceTimersByTimeAsync(0);

    const stopping = runtime.stop(5_000).then(() => order.push('stopped'));
    await vi.advanceTimersByTimeAsync(100);
    expect(order).toEqual([]);
    finish();
    await Promise.all([inFlight, stopping]);

    expect(order).toEqual(['call done', 'cleanup', 'stopped']);
    expect(fake.runtimes[0]!.killed).toBe(true);
    await expect(runtime.invoke('ok', {}, call())).rejects.toMatchObject({ code: 'internal' });
  });

  it('a cleanup that overruns its timeout is reported, and the runtime ends anyway', async () => {
    const fake = fakeLauncher({ stop: () => new Promise(() => {}) });
    const { runtime } = runtimeWith(fake.launch);
    await runtime.start();
    const stopping = runtime.stop(0).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);

    expect(((await stopping) as Error).message).toBe(
      "Plugin 'fake' did not finish cleanup within 500 ms",
    );
    expect(fake.runtimes[0]!.killed).toBe(true);
  });
});
