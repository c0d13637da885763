import { fail, ok, ToolError, type CallContext } from '@toolhost/plugin-sdk';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isCancellableCall } from './CancellableCall.js';
import { RuntimeFault } from './RuntimeFault.js';
import { invokerFixture, testTool, type InvokerFixture } from './testing/invokerFixture.js';

const ids = { requestId: 'req-1', sessionId: 'sess-1' };
const idempotent = { annotations: { idempotent: true } };
const retry = { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 1_000 };

let fx: InvokerFixture;

beforeEach(() => {
  vi.useFakeTimers();
  fx = invokerFixture();
});

afterEach(async () => {
  vi.useRealTimers();
  await fx.tracing.shutdown();
});

describe('retries', () => {
  it('retries transient failures of an idempotent tool with growing delays', async () => {
    const seen: Array<{ attempt: number; at: number }> = [];
    fx.add(
      testTool(
        'crm.lookup',
        (_input, call) => {
          seen.push({ attempt: call.attempt, at: Date.now() });
          if (call.attempt === 1) return fail('CRM answered 503', 'upstream_error');
          if (call.attempt === 2) throw new ToolError('upstream_error', 'connection reset');
          return ok({ found: true });
        },
        { spec: idempotent, policy: { retry } },
      ),
    );

    const pending = fx.invoker.invoke('crm.lookup', {}, ids);
    await vi.runAllTimersAsync();
    const { result, record } = await pending;

    expect(result).toEqual(ok({ found: true }));
    expect(record).toMatchObject({ outcome: 'success', errorCode: null, attempts: 3 });
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
    const [first, second, third] = seen.map((s) => s.at);
    const delays = [second! - first!, third! - second!];
    // retry n waits [b, 1.5·b] with b = 100·2^(n-1): the ranges do not overlap
    expect(delays[0]).toBeGreaterThanOrEqual(100);
    expect(delays[0]).toBeLessThanOrEqual(150);
    expect(delays[1]).toBeGreaterThanOrEqual(200);
    expect(delays[1]).toBeLessThanOrEqual(300);
  });

  it('waits exactly the backoff before each retry and caps it at maxDelayMs', async () => {
    fx = invokerFixture({ random: () => 0 });
    let calls = 0;
    fx.add(
      testTool('kb.search', () => (++calls, fail('upstream down', 'upstream_error')), {
        spec: idempotent,
        policy: { retry: { maxAttempts: 4, initialDelayMs: 300, maxDelayMs: 500 } },
      }),
    );

    const pending = fx.invoker.invoke('kb.search', {}, ids);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(299);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(499); // 600 capped at 500
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(3);
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toBe(4);

    const { result, record } = await pending;
    expect(result.errorCode).toBe('upstream_error');
    expect(record).toMatchObject({ outcome: 'failure', errorCode: 'upstream_error', attempts: 4 });
  });

  it('retries an attempt that timed out', async () => {
    fx.add(
      testTool(
        'kb.search',
        (_input, call) => (call.attempt === 1 ? new Promise(() => {}) : ok({ hits: 0 })),
        { spec: idempotent, policy: { timeoutMs: 1_000, retry } },
      ),
    );

    const pending = fx.invoker.invoke('kb.search', {}, ids);
    await vi.runAllTimersAsync();

    expect(await pending).toMatchObject({ result: { success: true }, record: { attempts: 2 } });
  });

  it('does not retry a tool that is not annotated idempotent', async () => {
    let calls = 0;
    fx.add(
      testTool('tickets.create', () => (++calls, fail('helpdesk down', 'upstream_error')), {
        spec: { annotations: { readOnly: false } },
        policy: { retry },
      }),
    );

    const pending = fx.invoker.invoke('tickets.create', {}, ids);
    await vi.runAllTimersAsync();

    expect((await pending).record).toMatchObject({ errorCode: 'upstream_error', attempts: 1 });
    expect(calls).toBe(1);
  });

  it.each(['not_found', 'permission_denied', 'internal', 'invalid_output'] as const)(
    'does not retry %s',
    async (code) => {
      let calls = 0;
      fx.add(
        testTool('crm.lookup', () => (++calls, fail(`it is ${code}`, code)), {
          spec: idempotent,
          policy: { retry },
        }),
      );

      const pending = fx.invoker.invoke('crm.lookup', {}, ids);
      await vi.runAllTimersAsync();

      expect((await pending).record).toMatchObject({ errorCode: code, attempts: 1 });
      expect(calls).toBe(1);
    },
  );
});

describe('circuit breaker', () => {
  const breaker = { consecutiveFailures: 3, halfOpenAfterMs: 10_000 };

  it('opens after N consecutive failures and then answers circuit_open without reaching the tool', async () => {
    let calls = 0;
    fx.add(
      testTool(
        'billing.invoice',
        () => {
          calls++;
          throw new ToolError('upstream_error', 'database is down');
        },
        { policy: { circuitBreaker: breaker } },
      ),
    );
    expect(fx.invoker.circuitState('billing.invoice')).toBe('closed');

    for (let i = 0; i < 3; i++) {
      expect((await fx.invoker.invoke('billing.invoice', {}, ids)).result.errorCode).toBe(
        'upstream_error',
      );
    }
    expect(fx.invoker.circuitState('billing.invoice')).toBe('open');

    const refused = await fx.invoker.invoke('billing.invoice', {}, ids);
    expect(refused.result).toMatchObject({ success: false, errorCode: 'circuit_open' });
    expect(refused.record.attempts).toBe(0);
    expect(calls).toBe(3);
  });

  it('counts crashes of the runtime as failures', async () => {
    fx.add(
      testTool(
        'billing.invoice',
        () => {
          throw new RuntimeFault('crashed', "Plugin 'billing' ended: exit 3");
        },
        { policy: { circuitBreaker: breaker } },
      ),
    );

    for (let i = 0; i < 3; i++) await fx.invoker.invoke('billing.invoice', {}, ids);

    expect(fx.invoker.circuitState('billing.invoice')).toBe('open');
  });

  it('half-opens after halfOpenAfterMs and closes when the probe succeeds', async () => {
    let healthy = false;
    fx.add(
      testTool(
        'billing.invoice',
        () => (healthy ? ok({ total: 1 }) : fail('timed out upstream', 'timeout')),
        { policy: { circuitBreaker: breaker } },
      ),
    );
    const changes: string[] = [];
    const unsubscribe = fx.invoker.onCircuitChange(({ tool, state }) =>
      changes.push(`${tool} ${state}`),
    );
    for (let i = 0; i < 3; i++) await fx.invoker.invoke('billing.invoice', {}, ids);
    expect(fx.invoker.circuitState('billing.invoice')).toBe('open');

    vi.advanceTimersByTime(9_999);
    expect(fx.invoker.circuitState('billing.invoice')).toBe('open');
    expect((await fx.invoker.invoke('billing.invoice', {}, ids)).result.errorCode).toBe(
      'circuit_open',
    );

    vi.advanceTimersByTime(1);
    expect(fx.invoker.circuitState('billing.invoice')).toBe('half-open');
    healthy = true;
    const probe = await fx.invoker.invoke('billing.invoice', {}, ids);
    expect(probe.result.success).toBe(true);
    expect(fx.invoker.circuitState('billing.invoice')).toBe('closed');
    expect(
      fx.lines
        .filter((line) => line.message.startsWith('circuit breaker'))
        .map((line) => [line.level, line.message, line['tool_name']]),
    ).toEqual([
      ['warn', 'circuit breaker opened', 'billing.invoice'],
      ['info', 'circuit breaker half-open: probing', 'billing.invoice'],
      ['info', 'circuit breaker closed', 'billing.invoice'],
    ]);
    expect(changes).toEqual([
      'billing.invoice open',
      'billing.invoice half-open',
      'billing.invoice closed',
    ]);
    unsubscribe();
  });

  it('opens again when the half-open probe fails', async () => {
    fx.add(
      testTool('billing.invoice', () => fail('still down', 'upstream_error'), {
        policy: { circuitBreaker: breaker },
      }),
    );
    for (let i = 0; i < 3; i++) await fx.invoker.invoke('billing.invoice', {}, ids);
    vi.advanceTimersByTime(10_000);

    const probe = await fx.invoker.invoke('billing.invoice', {}, ids);

    expect(probe.result.errorCode).toBe('upstream_error');
    expect(fx.invoker.circuitState('billing.invoice')).toBe('open');
  });

  it.each([
    ['invalid_output', () => ({ success: true, data: 'not an object' })],
    ['not_found', () => fail('no such customer', 'not_found')],
    [
      'permission_denied',
      () => {
        throw new ToolError('permission_denied', 'origin not granted');
      },
    ],
    [
      // What a store that refuses one input's text throws: about that call, not the tool.
      'internal',
      () => {
        throw new TypeError('store.put(): value must not contain NUL or unpaired surrogates');
      },
    ],
  ] as const)('is not tripped by %s', async (code, answer) => {
    let calls = 0;
    fx.add(
      testTool('crm.lookup', () => (++calls, answer()), {
        policy: { circuitBreaker: { consecutiveFailures: 2, halfOpenAfterMs: 10_000 } },
      }),
    );

    for (let i = 0; i < 4; i++) {
      expect((await fx.invoker.invoke('crm.lookup', {}, ids)).result.errorCode).toBe(code);
    }

    expect(calls).toBe(4);
    expect(fx.invoker.circuitState('crm.lookup')).toBe('closed');
  });

  it('is not tripped by invalid input', async () => {
    fx.add(
      testTool('crm.lookup', () => ok({}), {
        spec: { inputSchema: { type: 'object', required: ['id'] } },
        policy: { circuitBreaker: { consecutiveFailures: 2, halfOpenAfterMs: 10_000 } },
      }),
    );

    for (let i = 0; i < 4; i++) await fx.invoker.invoke('crm.lookup', {}, ids);

    expect(fx.invoker.circuitState('crm.lookup')).toBe('closed');
    expect((await fx.invoker.invoke('crm.lookup', { id: 1 }, ids)).result.success).toBe(true);
  });

  it('gives a reloaded tool (a new RegisteredTool) a fresh breaker', async () => {
    const failing = () => fail('down', 'upstream_error');
    fx.add(testTool('crm.lookup', failing, { policy: { circuitBreaker: breaker } }));
    for (let i = 0; i < 3; i++) await fx.invoker.invoke('crm.lookup', {}, ids);
    expect(fx.invoker.circuitState('crm.lookup')).toBe('open');

    fx.add(testTool('crm.lookup', () => ok({ v: 2 }), { policy: { circuitBreaker: breaker } }));

    expect(fx.invoker.circuitState('crm.lookup')).toBe('closed');
    expect((await fx.invoker.invoke('crm.lookup', {}, ids)).result).toEqual(ok({ v: 2 }));
  });
});

describe('timeout', () => {
  it('aborts the signal and answers timeout even when the tool ignores the signal', async () => {
    let signal: AbortSignal | undefined;
    fx.add(
      testTool(
        'rag.search',
        (_input, call: CallContext) => {
          signal = call.signal;
          return new Promise(() => {}); // never settles
        },
        { policy: { timeoutMs: 2_000 } },
      ),
    );

    const pending = fx.invoker.invoke('rag.search', {}, ids);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);

    const { result, record } = await pending;
    expect(result).toMatchObject({ success: false, errorCode: 'timeout' });
    expect(result.error).toContain('2000 ms');
    expect(record).toMatchObject({ outcome: 'failure', errorCode: 'timeout', attempts: 1 });
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as Error).name).toBe('TimeoutError');
  });

  it('answers timeout when the tool gives up on the aborted signal itself', async () => {
    fx.add(
      testTool(
        'rag.search',
        (_input, call) =>
          new Promise((_resolve, reject) =>
            call.signal.addEventListener('abort', () => reject(call.signal.reason as Error)),
          ),
        { policy: { timeoutMs: 500 } },
      ),
    );

    const pending = fx.invoker.invoke('rag.search', {}, ids);
    await vi.advanceTimersByTimeAsync(500);

    expect((await pending).result.errorCode).toBe('timeout');
  });

  it('leaves the signal of a call that finished in time alone', async () => {
    let signal: AbortSignal | undefined;
    fx.add(
      testTool(
        'rag.search',
        async (_input, call) => {
          signal = call.signal;
          return ok({});
        },
        { policy: { timeoutMs: 500 } },
      ),
    );

    expect((await fx.invoker.invoke('rag.search', {}, ids)).result.success).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);

    expect(signal?.aborted).toBe(false);
  });

  it('answers timeout when the tool blocked the thread past its deadline and then succeeded', async () => {
    // A tool stuck in synchronous code keeps the deadline's timer from firing; the clock
    // still moves. This clock jumps as such a tool would see it.
    let blockedMs = 0;
    const clock = { now: () => performance.now() + blockedMs };
    const blocking = invokerFixture({ clock });
    blocking.add(
      testTool(
        'rag.search',
        async () => {
          blockedMs += 2_500;
          return ok({ late: true });
        },
        { policy: { timeoutMs: 2_000 } },
      ),
    );

    const { result } = await blocking.invoker.invoke('rag.search', {}, ids);

    expect(result).toMatchObject({ success: false, errorCode: 'timeout' });
    await blocking.tracing.shutdown();
  });

  it('tells a runtime of the deadline through onCancel, without an AbortSignal', async () => {
    const reasons: string[] = [];
    const tool = testTool('rag.search', () => new Promise(() => {}), {
      policy: { timeoutMs: 1_000 },
    });
    const fast = testTool('rag.fast', async () => ok({}), { policy: { timeoutMs: 1_000 } });
    for (const t of [tool, fast]) {
      const invoke = t.runtime.invoke.bind(t.runtime);
      (t.runtime as { invoke: typeof invoke }).invoke = (name, input, call) => {
        if (isCancellableCall(call))
          call.onCancel((reason) => reasons.push(`${t.name}: ${reason.name}`));
        return invoke(name, input, call);
      };
      fx.add(t);
    }

    const pending = fx.invoker.invoke('rag.search', {}, ids);
    expect((await fx.invoker.invoke('rag.fast', {}, ids)).result.success).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);

    expect((await pending).result.errorCode).toBe('timeout');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(reasons).toEqual(['rag.search: TimeoutError']);
  });

  it('serves every call of one timeout with a single timer', async () => {
    fx.add(
      testTool('rag.search', () => new Promise(() => {}), {
        policy: {
          timeoutMs: 1_000,
          bulkhead: { limit: 20, queue: 0 },
          circuitBreaker: { consecutiveFailures: 100 },
        },
      }),
    );
    const before = vi.getTimerCount();

    const pending = Array.from({ length: 20 }, () => fx.invoker.invoke('rag.search', {}, ids));
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount() - before).toBe(1);

    await vi.advanceTimersByTimeAsync(1_000);
    const results = await Promise.all(pending);
    expect(results.every((r) => r.result.errorCode === 'timeout')).toBe(true);
  });
});

describe('bulkhead', () => {
  it('queues calls beyond the limit and refuses them once the queue is full', async () => {
    const releases: Array<() => void> = [];
    let started = 0;
    fx.add(
      testTool(
        'escalation.create_ticket',
        () =>
          new Promise((resolve) => {
            started++;
            releases.push(() => resolve(ok({})));
          }),
        { policy: { bulkhead: { limit: 1, queue: 1 }, timeoutMs: 60_000 } },
      ),
    );

    const first = fx.invoker.invoke('escalation.create_ticket', {}, ids);
    const queued = fx.invoker.invoke('escalation.create_ticket', {}, ids);
    const refused = await fx.invoker.invoke('escalation.create_ticket', {}, ids);

    expect(refused.result).toMatchObject({ success: false, errorCode: 'bulkhead_full' });
    expect(refused.record.attempts).toBe(0);
    expect(started).toBe(1);

    releases[0]!();
    expect((await first).result.success).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(started).toBe(2);
    releases[1]!();
    expect((await queued).result.success).toBe(true);
  });
});
