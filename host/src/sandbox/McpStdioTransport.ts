import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface McpStdioOptions {
  /** An absolute path: the host resolves the manifest's command before it spawns it. */
  command: string;
  args: readonly string[];
  /** The child's whole environment: nothing of the host's is added. */
  env: Readonly<Record<string, string>>;
  cwd: string;
  /** One line the server wrote to stderr. */
  onStderr(line: string): void;
  /** How long `close()` waits after SIGTERM before SIGKILL. */
  killGraceMs: number;
  /** Upper bound of one message from the server, in bytes. */
  maxMessageBytes?: number;
}

/** How the child ended: its exit code or signal. */
export interface McpStdioExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * An MCP stdio client transport for a supervised child. Unlike the SDK's, it spawns the
 * server with exactly the environment the manifest names (the SDK adds HOME, PATH, USER, …
 * of the host's), never through a shell, and reports how the child ended.
 */
export class McpStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly #options: McpStdioOptions;
  readonly #buffer: ReadBuffer;
  #child: ChildProcess | null = null;
  #exit: McpStdioExit | null = null;
  readonly #exited: Promise<McpStdioExit>;
  #resolveExit!: (exit: McpStdioExit) => void;

  constructor(options: McpStdioOptions) {
    this.#options = options;
    this.#buffer = new ReadBuffer({ maxBufferSize: options.maxMessageBytes ?? 4 * 1024 * 1024 });
    this.#exited = new Promise((resolve) => (this.#resolveExit = resolve));
  }

  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  /** Resolves once the child is gone. */
  get exited(): Promise<McpStdioExit> {
    return this.#exited;
  }

  start(): Promise<void> {
    if (this.#child !== null) throw new Error('McpStdioTransport.start() called twice');
    const { command, args, env, cwd } = this.#options;
    return new Promise((resolve, reject) => {
      const child = spawn(command, [...args], {
        env: { ...env },
        cwd,
        shell: false,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      this.#child = child;
      child.once('spawn', () => resolve());
      child.once('error', (error) => {
        reject(error);
        this.onerror?.(error);
      });
      child.once('close', (code, signal) => {
        this.#exit = { code, signal };
        this.#resolveExit(this.#exit);
        this.onclose?.();
      });
      child.stdin?.on('error', (error) => this.onerror?.(error));
      child.stdout?.on('data', (chunk: Buffer) => {
        try {
          this.#buffer.append(chunk);
          this.#drain();
        } catch (error) {
          // An oversized message: the server is not speaking the protocol any more.
          this.onerror?.(error as Error);
          child.kill('SIGKILL');
        }
      });
      if (child.stderr) {
        createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (line) =>
          this.#options.onStderr(line.slice(0, 2_000)),
        );
      }
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.#child?.stdin;
    if (!stdin || stdin.destroyed || this.#exit !== null) {
      return Promise.reject(new Error('the MCP server process is not running'));
    }
    return new Promise((resolve) => {
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /** Closes its stdin and ends it: SIGTERM, then SIGKILL after the grace. */
  async close(): Promise<void> {
    const child = this.#child;
    if (child === null || this.#exit !== null) return;
    child.stdin?.end();
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), this.#options.killGraceMs);
    await this.#exited;
    clearTimeout(timer);
  }

  /** Ends it at once (a crash test, a hang). */
  kill(): void {
    this.#child?.kill('SIGKILL');
  }

  #drain(): void {
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.#buffer.readMessage();
      } catch (error) {
        this.onerror?.(error as Error);
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }
}
