import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCapturingLogger } from '../../../test/support/capturingLogger.js';
import { HostError, isHostError } from '../errors.js';
import { retryUntilReachable } from './retryUntilReachable.js';

const unreachable = () =>
  new HostError('TOOLHOST_ERR_REDIS_UNAVAILABLE', {
    details: 'redis://127.0.0.1:1 cannot be reached (connect ECONNREFUSED)',
  });
const retryable = (error: unknown) =>
  isHostError(error) && error.code === 'TOOLHOST_ERR_REDIS_UNAVAILABLE';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('retryUntilReachable', () => {
  it('retries with doubling waits, a warn line per attempt, until it succeeds', async () => {
    const { logger, lines } = createCapturingLogger();
    let calls = 0;
    const pending = retryUntilReachable(
      async () => {
        calls++;
        if (calls < 4) throw unreachable();
        return 'connected';
      },
      { what: 'redis', timeoutMs: 30_000, logger, retryable, now: Date.now },
    );
    await vi.runAllTimersAsync();
    expect(await pending).toBe('connected');
    expect(calls).toBe(4);
    expect(
      lines.map(({ level, message, attempt, retry_in_ms }) => [
        level,
        message,
        attempt,
        retry_in_ms,
      ]),
    ).toEqual([
      ['warn', 'start-up: redis unreachable, retrying', 1, 250],
      ['warn', 'start-up: redis unreachable, retrying', 2, 500],
      ['warn', 'start-up: redis unreachable, retrying', 3, 1000],
    ]);
  });

  it('gives up once the next wait would pass the bound, with the coded error and its attempts', async () => {
    const { logger, lines } = createCapturingLogger();
    let calls = 0;
    const pending = retryUntilReachable(
      async () => {
        calls++;
        throw unreachable();
      },
      { what: 'redis', timeoutMs: 2_000, logger, retryable, now: Date.now },
    ).catch((error: unknown) => error);
    await vi.runAllTimersAsync();
    const error = await pending;
    // Waits of 250, 500 and 1000 ms fit in 2 s; the next one (2 s) would not.
    expect(calls).toBe(4);
    expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_REDIS_UNAVAILABLE');
    expect((error as Error).message).toBe(
      'Redis is unavailable: redis://127.0.0.1:1 cannot be reached (connect ECONNREFUSED); gave up after 4 attempts in 1.8 s (TOOLHOST_STARTUP_TIMEOUT_MS)',
    );
    expect(lines.at(-1)).toMatchObject({
      level: 'error',
      message: 'start-up: redis unreachable, giving up',
      attempt: 4,
    });
  });

  it('a bound of 0 means one attempt', async () => {
    const { logger } = createCapturingLogger();
    let calls = 0;
    await expect(
      retryUntilReachable(
        async () => {
          calls++;
          throw unreachable();
        },
        { what: 'redis', timeoutMs: 0, logger, retryable },
      ),
    ).rejects.toThrow(/gave up after 1 attempt in 0 s/);
    expect(calls).toBe(1);
  });

  it('throws other failures at once', async () => {
    const { logger, lines } = createCapturingLogger();
    const bad = new HostError('TOOLHOST_ERR_SETTINGS_INVALID', {
      variable: 'REDIS_URL',
      details: 'x',
    });
    await expect(
      retryUntilReachable(() => Promise.reject(bad), {
        what: 'redis',
        timeoutMs: 30_000,
        logger,
        retryable,
      }),
    ).rejects.toBe(bad);
    expect(lines).toEqual([]);
  });

  it('an abort ends the wait between attempts at once, and a pending attempt too', async () => {
    const { logger } = createCapturingLogger();
    const controller = new AbortController();
    let calls = 0;
    const waiting = retryUntilReachable(
      async () => {
        calls++;
        throw unreachable();
      },
      { what: 'redis', timeoutMs: 60_000, logger, retryable, signal: controller.signal },
    ).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(300);
    expect(calls).toBe(2);
    controller.abort(new Error('SIGTERM'));
    expect(await waiting).toEqual(new Error('SIGTERM'));
    await vi.runAllTimersAsync();
    expect(calls).toBe(2);

    const hanging = new AbortController();
    const never = retryUntilReachable(() => new Promise<never>(() => {}), {
      what: 'database',
      timeoutMs: 60_000,
      logger,
      retryable,
      signal: hanging.signal,
    });
    hanging.abort(new Error('SIGINT'));
    await expect(never).rejects.toThrow('SIGINT');
  });
});
