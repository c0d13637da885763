import type { Logger } from '@toolhost/plugin-sdk/host';
import type winston from 'winston';
import type { CancellableCall } from './CancellableCall.js';
import { neverAborted, type Deadline } from './DeadlineQueue.js';
import type { PendingCall } from './Policy.js';

/**
 * The CallContext a tool method receives for one attempt. Its AbortSignal and its child
 * logger are made on first use: most tools read neither, and both cost more than the
 * rest of the call.
 */
export class ToolCallContext implements CancellableCall {
  readonly requestId: string;
  readonly sessionId: string | null;
  readonly attempt: number;
  readonly #toolName: string;
  readonly #deadline: Deadline | null;
  readonly #rootLogger: winston.Logger;
  #logger: Logger | null = null;

  constructor(call: PendingCall, rootLogger: winston.Logger) {
    this.requestId = call.options.requestId;
    this.sessionId = call.options.sessionId;
    this.attempt = call.attempt;
    this.#toolName = call.tool.name;
    this.#deadline = call.deadline;
    this.#rootLogger = rootLogger;
  }

  get signal(): AbortSignal {
    return this.#deadline?.signal ?? neverAborted;
  }

  onCancel(listener: (reason: Error) => void): void {
    this.#deadline?.onExpired(listener);
  }

  get logger(): Logger {
    return (this.#logger ??= this.#rootLogger.child({
      request_id: this.requestId,
      session_id: this.sessionId,
      tool_name: this.#toolName,
    }));
  }
}
