import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLIENT, keysEnv } from '../support/apiKeys.js';
import { builtinHostEnv } from '../support/builtinPlugins.js';
import { CLI, runCli, startHostProcess, type HostProcess } from '../support/hostProcess.js';

// A start-up that a supervisor (systemd, Kubernetes) can manage: it says what it does, retries
// what may come back for a bounded time, stops when told, and refuses what it must not do.

let root: string;
let env: Record<string, string>;
let running: HostProcess | null = null;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'toolhost-startup-'));
  env = builtinHostEnv(root);
});
afterEach(async () => {
  await running?.stop('SIGKILL');
  running = null;
  rmSync(root, { recursive: true, force: true });
});

interface Line {
  level: string;
  message: string;
  [field: string]: unknown;
}

function linesOf(stdout: string): Line[] {
  return stdout
    .split('\n')
    .filter((text) => text.startsWith('{'))
    .map((text) => JSON.parse(text) as Line);
}

const retryLines = (stdout: string, what: string) =>
  linesOf(stdout).filter((line) => line.message === `start-up: ${what} unreachable, retrying`);

/** The attempts a give-up message reports, which must be one more than the retry lines. */
function attemptsIn(stderr: string): number {
  return Number(
    /gave up after (\d+) attempts? in [\d.]+ s \(TOOLHOST_STARTUP_TIMEOUT_MS\)$/m.exec(stderr)?.[1],
  );
}

/** Starts `toolhost start`; resolves with the exit code after it has logged `line`, been sent `signal`, and exited. */
function signalOnLine(
  extra: Record<string, string>,
  line: string,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; stdout: string; signalled: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'start'], {
      env: { ...process.env, ...env, ...extra },
      stdio: 'pipe',
    });
    let stdout = '';
    let signalled = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!signalled && stdout.includes(line)) {
        signalled = true;
        child.kill(signal);
      }
    });
    child.on('exit', (code) => resolve({ code, stdout, signalled }));
  });
}

describe('toolhost start, as a supervisor sees it', () => {
  it('retries an unreachable Redis with a line per attempt, then exits 1 with the coded error', async () => {
    const result = await runCli(['start'], {
      ...env,
      REDIS_URL: 'redis://127.0.0.1:1',
      TOOLHOST_STARTUP_TIMEOUT_MS: '1000',
    });
    expect(result.code).toBe(1);
    // Waits of 250 and 500 ms fit in the bound, the next (1 s) does not: at most three attempts.
    const retries = retryLines(result.stdout, 'redis');
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(retries.length).toBeLessThanOrEqual(2);
    expect(retries.map((line) => [line.level, line['retry_in_ms']])).toEqual(
      [
        ['warn', 250],
        ['warn', 500],
      ].slice(0, retries.length),
    );
    expect(linesOf(result.stdout).at(-1)).toMatchObject({
      level: 'error',
      message: 'start-up: redis unreachable, giving up',
    });
    expect(result.stderr).toMatch(
      /^toolhost: TOOLHOST_ERR_REDIS_UNAVAILABLE: Redis is unavailable: redis:\/\/127\.0\.0\.1:1 cannot be reached .*; gave up after \d attempts in [\d.]+ s \(TOOLHOST_STARTUP_TIMEOUT_MS\)$/m,
    );
    expect(attemptsIn(result.stderr)).toBe(retries.length + 1);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('retries an unreachable PostgreSQL the same way', async () => {
    const result = await runCli(['start'], {
      ...env,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test',
      TOOLHOST_STARTUP_TIMEOUT_MS: '1500',
    });
    expect(result.code).toBe(1);
    const retries = retryLines(result.stdout, 'database');
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(result.stderr).toMatch(
      /^toolhost: TOOLHOST_ERR_DATABASE_UNAVAILABLE: The database is unavailable: postgres:\/\/postgres@127\.0\.0\.1:1\/test .*; gave up after/m,
    );
    expect(attemptsIn(result.stderr)).toBe(retries.length + 1);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'stops on %s while it waits for Redis, and exits 0',
    async (signal) => {
      const result = await signalOnLine(
        { REDIS_URL: 'redis://127.0.0.1:1', TOOLHOST_STARTUP_TIMEOUT_MS: '600000' },
        '"start-up: redis unreachable, retrying"',
        signal,
      );
      expect(result.signalled).toBe(true);
      expect(result.code).toBe(0);
      const messages = linesOf(result.stdout).map((line) => line.message);
      expect(messages.slice(-2)).toEqual([
        'toolhost start-up interrupted',
        'toolhost stopped before it was up',
      ]);
      expect(linesOf(result.stdout).at(-2)).toMatchObject({ signal });
      expect(messages).not.toContain('toolhost listening');
    },
  );

  it('logs each start-up phase at info, and protected mode when no key is configured', async () => {
    running = await startHostProcess(env);
    const phases = linesOf(running.output()).filter((line) => line.message === 'start-up phase');
    expect(phases.map(({ level, phase }) => [level, phase])).toEqual([
      ['info', 'database'],
      ['info', 'audit'],
      ['info', 'plugins'],
      ['info', 'http'],
    ]);
    expect(running.output()).toMatch(/"level":"warn","message":"protected mode: no API keys/);
    expect(running.output()).toContain('"protected_mode":true');
  });
});

describe('protected mode', () => {
  it('refuses to listen beyond loopback without keys: exit 1, coded, before anything opens', async () => {
    for (const host of ['0.0.0.0', '::']) {
      const result = await runCli(['start'], { ...env, HOST: host });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `toolhost: TOOLHOST_ERR_PROTECTED_MODE: Protected mode: no API key is configured, so the host listens on loopback only and refuses ${host}`,
      );
      expect(result.stdout).not.toContain('"start-up phase"');
    }
  });

  it('listens on every address once keys are configured', async () => {
    running = await startHostProcess({ ...env, HOST: '0.0.0.0', ...keysEnv(CLIENT) });
    expect(running.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    expect(running.output()).toContain('"protected_mode":false');
    const port = new URL(running.url).port;
    expect((await fetch(`http://127.0.0.1:${port}/v1/tools`)).status).toBe(401);
    expect(await running.stop('SIGTERM')).toBe(0);
    running = null;
  });
});
