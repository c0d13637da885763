import type { Handler, NoteHandler, Peer } from './protocol/Peer.js';

/** Why a runtime ended: `cause` is for clients (no plugin text in it), `detail` for the log. */
export interface ExitReport {
  cause: string;
  detail: string;
}

/** What a runtime needs from the host: its handlers, and where its output lines go. */
export interface RuntimeChannel {
  handlers: Readonly<Record<string, Handler>>;
  notes: Readonly<Record<string, NoteHandler>>;
  /** One line the plugin wrote to stdout or stderr (capped). */
  onOutput(stream: 'stdout' | 'stderr', line: string): void;
}

/** One started worker or child process, spoken to through its Peer. */
export interface LaunchedRuntime {
  readonly kind: 'worker' | 'process';
  readonly peer: Peer;
  /** Resolves once it ended, for whatever reason; its peer is closed by then. */
  readonly exited: Promise<ExitReport>;
  /** `listener` runs as it ends, right after its peer closed (no turn in between). */
  onExit(listener: (report: ExitReport) => void): void;
  /** Ends it now (terminate / SIGKILL) and waits until it is gone. */
  kill(): Promise<void>;
}

export type Launcher = (channel: RuntimeChannel) => LaunchedRuntime;
