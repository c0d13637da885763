import { Worker } from 'node:worker_threads';
import { RuntimeFault } from '../invocation/RuntimeFault.js';
import { hostRebuild } from './hostRebuild.js';
import type { ExitReport, Launcher } from './LaunchedRuntime.js';
import { outputLines } from './outputLines.js';
import { InboundBudget, RUNTIME_INBOUND } from './protocol/InboundBudget.js';
import type { ProtocolError } from './protocol/ProtocolError.js';
import { peerOverPort } from './protocol/portTransport.js';
import { runnerData, runnerEntry } from './runnerFiles.js';

export interface WorkerLimits {
  /** V8's old generation (the JS heap); Buffers and ArrayBuffers are not bounded by it. */
  heapMb: number;
}

const YOUNG_GENERATION_MB = 16;
const STACK_MB = 4;

function exitOf(
  code: number,
  error: Error | null,
  violation: ProtocolError | null,
  stderr: string,
): ExitReport {
  const output = stderr === '' ? '' : `; stderr: ${stderr}`;
  if (violation) return { cause: 'it broke the runtime protocol', detail: violation.message };
  if ((error as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return { cause: 'its worker ran out of memory', detail: `${error?.message}${output}` };
  }
  if (error) {
    return {
      cause: 'an uncaught exception ended its worker',
      detail: `${error.stack ?? error.message}${output}`,
    };
  }
  return { cause: `its worker exited with code ${code}`, detail: `exit code ${code}${output}` };
}

/**
 * Starts a plugin's runtime as a worker_threads Worker: its own heap limits, an empty
 * environment (`process.env` is `{}` inside; the process's /proc/self/environ is not hidden),
 * no inherited execArgv, its stdout/stderr read by the host. An OOM, an uncaught exception or
 * `process.exit` inside ends only the worker.
 */
export function workerLauncher(pluginName: string, limits: WorkerLimits): Launcher {
  return (channel) => {
    const worker = new Worker(runnerEntry('worker'), {
      env: {},
      workerData: runnerData(),
      execArgv: [],
      resourceLimits: {
        maxOldGenerationSizeMb: limits.heapMb,
        maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
        stackSizeMb: STACK_MB,
      },
      stdout: true,
      stderr: true,
      name: `toolhost plugin ${pluginName}`,
    });
    let error: Error | null = null;
    let violation: ProtocolError | null = null;
    worker.on('error', (thrown: Error) => (error ??= thrown));
    const peer = peerOverPort(worker, {
      handlers: channel.handlers,
      notes: channel.notes,
      rebuild: hostRebuild,
      answersPings: false,
      budget: new InboundBudget(RUNTIME_INBOUND.bytesPerSecond, RUNTIME_INBOUND.messagesPerSecond),
      onViolation: (problem) => {
        violation ??= problem;
        void worker.terminate();
      },
    });
    outputLines(worker.stdout, (line) => channel.onOutput('stdout', line));
    const stderr = outputLines(worker.stderr, (line) => channel.onOutput('stderr', line));
    const listeners: Array<(report: ExitReport) => void> = [];
    const exited = new Promise<ExitReport>((resolve) => {
      worker.once('exit', (code) => {
        const report = exitOf(code, error, violation, stderr());
        peer.close(new RuntimeFault('crashed', `Plugin '${pluginName}' crashed: ${report.cause}`));
        for (const listener of listeners) listener(report);
        resolve(report);
      });
    });
    return {
      kind: 'worker',
      peer,
      exited,
      onExit: (listener) => listeners.push(listener),
      async kill() {
        await worker.terminate();
        await exited;
      },
    };
  };
}
