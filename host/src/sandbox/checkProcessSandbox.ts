import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { processCommand, type ProcessSandbox } from './processCommand.js';
import { RUNNER_DIR } from './runnerFiles.js';

export interface SandboxCheck {
  available: boolean;
  /** Why it is not, as the sandbox said it. */
  reason: string | null;
  /** Whether `prlimit --as` bounds the child's address space (Buffers included). */
  addressSpaceLimit: boolean;
}

// Runs inside the sandbox: the permission model must be in force, writes and children off.
const PROBE = [
  '-e',
  "const p=process.permission;if(!p||p.has('fs.write')||p.has('child')||p.has('worker'))process.exit(3)",
];
const PROBE_ADDRESS_SPACE_MB = 1_664;

function run(file: string, args: string[]): Promise<{ ok: boolean; reason: string }> {
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      env: {},
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 10_000,
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => (stderr = (stderr + text).slice(-2_000)));
    child.on('error', (error: NodeJS.ErrnoException) =>
      resolve({
        ok: false,
        reason: error.code === 'ENOENT' ? `${file} is not installed` : error.message,
      }),
    );
    child.on('close', (code, signal) =>
      resolve({
        ok: code === 0,
        reason:
          stderr.trim() ||
          (code === 3
            ? 'the permission model is not in force'
            : `${file} ended with ${signal ?? code}`),
      }),
    );
  });
}

async function check(sandbox: ProcessSandbox): Promise<SandboxCheck> {
  const runner = realpathSync(RUNNER_DIR);
  const command = (addressSpaceMb: number | null) =>
    processCommand({
      sandbox,
      readPaths: [runner],
      cwd: runner,
      heapMb: 64,
      addressSpaceMb,
      script: PROBE,
    });
  const limited = command(PROBE_ADDRESS_SPACE_MB);
  const first = await run(limited.file, limited.args);
  if (first.ok) return { available: true, reason: null, addressSpaceLimit: true };
  const plain = command(null);
  const second = await run(plain.file, plain.args);
  if (second.ok) return { available: true, reason: null, addressSpaceLimit: false };
  return { available: false, reason: second.reason, addressSpaceLimit: false };
}

const checks = new Map<ProcessSandbox, Promise<SandboxCheck>>();

/**
 * Whether this machine runs the `process` sandbox: the same command a plugin gets, once,
 * around a probe (cached per process). Where user namespaces are refused (some containers)
 * or bubblewrap is missing, `available` is false with the reason.
 */
export function checkProcessSandbox(sandbox: ProcessSandbox): Promise<SandboxCheck> {
  let verdict = checks.get(sandbox);
  if (verdict === undefined) checks.set(sandbox, (verdict = check(sandbox)));
  return verdict;
}
