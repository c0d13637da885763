import { randomUUID } from 'node:crypto';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Logger } from 'winston';
import type { Principal } from '../auth/Principal.js';
import type { createMcpServer, McpServerDeps } from './createMcpServer.js';

// The MCP SDK (zod schemas and all) takes a while to load: only a host that gets an MCP
// client pays for it, once.
let sdk: Promise<{
  createMcpServer: typeof createMcpServer;
  StreamableHTTPServerTransport: typeof StreamableHTTPServerTransport;
}> | null = null;
function loadSdk(): NonNullable<typeof sdk> {
  sdk ??= Promise.all([
    import('./createMcpServer.js'),
    import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
  ]).then(([server, http]) => ({
    createMcpServer: server.createMcpServer,
    StreamableHTTPServerTransport: http.StreamableHTTPServerTransport,
  }));
  return sdk;
}

export interface McpSessionSettings {
  /** A session no request touched for this long is closed; its id then answers 404. */
  idleMs: number;
  /** Open sessions one key may hold at once. */
  perKey: number;
}

/** One MCP session: its transport and server, and the key that opened it. */
export interface McpSession {
  readonly id: string;
  readonly owner: string;
  readonly transport: StreamableHTTPServerTransport;
  readonly server: Server;
}

interface Entry extends McpSession {
  timer: NodeJS.Timeout;
}

export interface McpSessionsDeps extends McpServerDeps {
  settings: McpSessionSettings;
  logger: Logger;
}

/**
 * The MCP sessions of the host's `/mcp` endpoint: one transport and one server per session
 * (`mcp-session-id`), each bound to the key that opened it. Sessions expire when idle;
 * every plugin change sends `notifications/tools/list_changed` to every session.
 */
export class McpSessions {
  readonly #deps: McpSessionsDeps;
  readonly #sessions = new Map<string, Entry>();
  readonly #unsubscribe: () => void;
  #closed = false;

  constructor(deps: McpSessionsDeps) {
    this.#deps = deps;
    this.#unsubscribe = deps.tools.onChange(() => this.#toolsChanged());
  }

  get size(): number {
    return this.#sessions.size;
  }

  /**
   * A new session for `principal`, to handle its `initialize` request; null when the key
   * holds `perKey` sessions already (or the host is stopping).
   */
  async open(principal: Principal): Promise<McpSession | null> {
    const { createMcpServer, StreamableHTTPServerTransport } = await loadSdk();
    // Counted and taken in one turn: concurrent opens cannot both get the last place.
    if (this.#closed || this.#countOf(principal.name) >= this.#deps.settings.perKey) return null;
    const id = randomUUID();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => id });
    const server = createMcpServer(this.#deps, principal);
    const entry: Entry = {
      id,
      owner: principal.name,
      transport,
      server,
      timer: this.#expiry(id),
    };
    this.#sessions.set(id, entry);
    transport.onclose = () => this.#forget(id);
    server.onerror = (error) =>
      this.#deps.logger.info('mcp session error', { mcp_session_id: id, error: error.message });
    // connect() only wires the transport's callbacks; nothing is sent before a request.
    void server.connect(transport);
    this.#deps.logger.info('mcp session opened', { mcp_session_id: id, key: principal.name });
    return entry;
  }

  /** The session, if it exists and `owner` opened it (another key's is as unknown as none). */
  find(id: string, owner: string): McpSession | null {
    const entry = this.#sessions.get(id);
    if (entry === undefined || entry.owner !== owner) return null;
    entry.timer.refresh();
    return entry;
  }

  /** Ends one session (the client's DELETE goes through the transport instead). */
  async end(id: string, why: string): Promise<void> {
    const entry = this.#sessions.get(id);
    if (entry === undefined) return;
    this.#forget(id);
    this.#deps.logger.info('mcp session closed', { mcp_session_id: id, why });
    await entry.server.close().catch(() => undefined);
  }

  /** Closes every session (host shutdown): their open streams end. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#unsubscribe();
    await Promise.all([...this.#sessions.keys()].map((id) => this.end(id, 'host stopping')));
  }

  #countOf(owner: string): number {
    let count = 0;
    for (const entry of this.#sessions.values()) if (entry.owner === owner) count++;
    return count;
  }

  #expiry(id: string): NodeJS.Timeout {
    const timer = setTimeout(() => void this.end(id, 'idle'), this.#deps.settings.idleMs);
    timer.unref();
    return timer;
  }

  #forget(id: string): void {
    const entry = this.#sessions.get(id);
    if (entry === undefined) return;
    clearTimeout(entry.timer);
    this.#sessions.delete(id);
  }

  #toolsChanged(): void {
    for (const entry of this.#sessions.values()) {
      // Only an initialized session has a stream to send it on; the others list afresh anyway.
      if (entry.transport.sessionId === undefined) continue;
      entry.server.sendToolListChanged().catch((error: unknown) =>
        this.#deps.logger.info('mcp list_changed not sent', {
          mcp_session_id: entry.id,
          error: (error as Error).message,
        }),
      );
    }
  }
}
