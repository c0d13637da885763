import { spawn } from 'node:child_process';
import type { Duplex, Readable } from 'node:stream';
import { RuntimeFault } from '../invocation/RuntimeFault.js';
import { hostRebuild } from './hostRebuild.js';
import type { ExitReport, Launcher } from './LaunchedRuntime.js';
import { outputLines } from './outputLines.js';
import { processCommand, type ProcessSandbox } from './processCommand.js';
import { InboundBudget, RUNTIME_INBOUND } from './protocol/InboundBudget.js';
import type { ProtocolError } from './protocol/ProtocolError.js';
import { peerOverStream } from './protocol/streamTransport.js';
import { runnerData, runnerEntry } from './runnerFiles.js';

export interface ProcessLimits {
  sandbox: ProcessSandbox;
  /** What it may read (pluginReadPaths). */
  readPaths: readonly string[];
  /** Its working directory: the plugin's folder, by real path. */
  cwd: string;
  heapMb: number;
  /** The address space of the child, or null where prlimit cannot set it. */
  addressSpaceMb: number | null;
}

/** bwrap reports the sandboxed child's signal as an exit code 128 + N. */
const SIGABRT_EXIT = 134;

function exitOf(
  code: number | null,
  signal: NodeJS.Signals | null,
  violation: ProtocolError | null,
  spawnError: Error | null,
  stderr: string,
): ExitReport {
  const detail = `exit ${code ?? signal}${stderr === '' ? '' : `; stderr: ${stderr}`}`;
  if (spawnError) return { cause: 'its process could not be started', detail: spawnError.message };
  if (violation) return { cause: 'it broke the runtime protocol', detail: violation.message };
  if (/Reached heap limit|heap out of memory|Allocation failed/.test(stderr)) {
    return { cause: 'its process ran out of memory', detail };
  }
  if (signal !== null || code === SIGABRT_EXIT) {
    return { cause: `its process was ended by ${signal ?? 'SIGABRT'}`, detail };
  }
  if (code === 1 && /\n\s+at /.test(stderr)) {
    return { cause: 'an uncaught exception ended its process', detail };
  }
  return { cause: `its process exited with code ${code}`, detail };
}

/**
 * Starts a plugin's runtime as a confined child process (processCommand): an empty
 * environment, stdin closed, stdout and stderr piped to the host (never its own streams, so
 * a plugin cannot forge host log lines), and the protocol as length-prefixed JSON on fd 3, a
 * socketpair — not Node's IPC channel, whose parser throws in the host on bytes a hostile
 * child writes. A malformed frame gets the child killed.
 */
export function processLauncher(pluginName: string, limits: ProcessLimits): Launcher {
  return (channel) => {
    const { sdkUrl, testingUrl } = runnerData();
    const { file, args } = processCommand({
      ...limits,
      script: [runnerEntry('child'), sdkUrl, testingUrl],
    });
    const child = spawn(file, args, {
      env: {},
      cwd: limits.cwd,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let violation: ProtocolError | null = null;
    let spawnError: Error | null = null;
    child.on('error', (error) => (spawnError ??= error));
    const socket = child.stdio[3] as Duplex;
    socket.on('error', () => undefined);
    const peer = peerOverStream(socket, {
      handlers: channel.handlers,
      notes: channel.notes,
      rebuild: hostRebuild,
      answersPings: false,
      budget: new InboundBudget(RUNTIME_INBOUND.bytesPerSecond, RUNTIME_INBOUND.messagesPerSecond),
      onViolation: (problem) => {
        violation ??= problem;
        child.kill('SIGKILL');
      },
    });
    outputLines(child.stdout as Readable, (line) => channel.onOutput('stdout', line));
    const stderr = outputLines(child.stderr as Readable, (line) =>
      channel.onOutput('stderr', line),
    );
    const listeners: Array<(report: ExitReport) => void> = [];
    const exited = new Promise<ExitReport>((resolve) => {
      child.once('close', (code, signal) => {
        const report = exitOf(code, signal, violation, spawnError, stderr());
        peer.close(new RuntimeFault('crashed', `Plugin '${pluginName}' crashed: ${report.cause}`));
        for (const listener of listeners) listener(report);
        resolve(report);
      });
    });
    return {
      kind: 'process',
      peer,
      exited,
      onExit: (listener) => listeners.push(listener),
      async kill() {
        child.kill('SIGKILL');
        await exited;
      },
    };
  };
}
