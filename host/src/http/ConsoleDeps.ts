import type { EventTickets } from '../auth/EventTickets.js';
import type { ToolCallHistorySnapshot } from '../invocation/ToolCallHistory.js';
import type { CircuitChange } from '../invocation/ToolInvoker.js';
import type { ManifestView } from '../plugins/describeManifest.js';
import type { InstallProgressEvent } from '../plugins/PluginInstalls.js';
import type { PluginChange } from '../plugins/ToolRegistry.js';
import type { SessionContext } from '../session/SessionStore.js';

/** The feeds the console's event stream follows. */
export interface ConsoleEventSource {
  onPluginChange(listener: (change: PluginChange) => void): () => void;
  onCircuitChange(listener: (change: CircuitChange) => void): () => void;
  onInstallProgress?(listener: (event: InstallProgressEvent) => void): () => void;
}

/** What the operator console (`/console` and its admin routes) reads besides the API's own deps. */
export interface ConsoleDeps {
  /** The folder holding `public/` and the built `dist/`; by default the host package's `console/`. */
  assetsDir?: string;
  history: { snapshot(): ToolCallHistorySnapshot };
  events: ConsoleEventSource;
  /** Tickets for the event stream; a fresh book by default. */
  tickets?: EventTickets;
  manifests: { view(plugin: string): Promise<ManifestView> };
  /** Any session's context, whoever owns it (admin only). */
  sessions: { read(sessionId: string): Promise<SessionContext | null> };
  /** An audit entry's large payload by its `rawPayloadKey`; null when there is none. */
  payloads?: { read(key: string): Promise<unknown> };
  /** Aborted when the host stops, so open event streams end and the server can close. */
  closing?: AbortSignal;
}
