import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../host/dist/cli/main.js', import.meta.url));

/** One JSON log line of the host. */
export interface HostLogLine {
  message: string;
  [field: string]: unknown;
}

export interface HostProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /**
   * Resolves with the first log line (already written or still to come) that matches;
   * rejects if the host exits first.
   */
  logLine(matches: (line: HostLogLine) => boolean): Promise<HostLogLine>;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `toolhost <args>` to completion. */
export function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: 'pipe',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function parsed(line: string): HostLogLine | null {
  try {
    const value = JSON.parse(line) as unknown;
    return typeof value === 'object' && value !== null && 'message' in value
      ? (value as HostLogLine)
      : null;
  } catch {
    return null;
  }
}

function logLineOf(
  child: ChildProcess,
  output: () => string,
  exited: Promise<number | null>,
  matches: (line: HostLogLine) => boolean,
): Promise<HostLogLine> {
  return new Promise((resolve, reject) => {
    let scanned = 0;
    /** Looks at the complete lines written since the last look. */
    const look = (): boolean => {
      const text = output();
      const end = text.lastIndexOf('\n');
      if (end < scanned) return false;
      const fresh = text.slice(scanned, end).split('\n');
      scanned = end + 1;
      for (const line of fresh) {
        const found = parsed(line);
        if (found !== null && matches(found)) {
          child.stdout?.off('data', look);
          resolve(found);
          return true;
        }
      }
      return false;
    };
    if (look()) return;
    // Registered after the listener that appends to the output, so it sees each chunk.
    child.stdout?.on('data', look);
    void exited.then((code) => {
      child.stdout?.off('data', look);
      if (!look())
        reject(new Error(`host exited with ${String(code)} before the awaited log line`));
    });
  });
}

/** Starts the built host as a child process (the real CLI) and waits for its listening line. */
export function startHostProcess(env: Record<string, string>): Promise<HostProcess> {
  const child = spawn(process.execPath, [CLI, 'start'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: 'pipe',
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const complete = output.slice(0, output.lastIndexOf('\n'));
      const line = complete.split('\n').find((l) => l.includes('"toolhost listening"'));
      if (!line) return;
      child.stdout?.off('data', onData);
      child.stdout?.on('data', (more: Buffer) => (output += more.toString()));
      resolve({
        child,
        url: (JSON.parse(line) as { url: string }).url,
        output: () => output,
        logLine: (matches) => logLineOf(child, () => output, exited, matches),
        stop: (signal = 'SIGTERM') => {
          child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) =>
      reject(new Error(`host exited with ${String(code)} before listening:\n${output}`)),
    );
  });
}
