import type { ToolAnnotations } from '@toolhost/plugin-sdk/host';
import type { Logger } from 'winston';
import type { MessageOutcome, MessageRequest } from '../agent/AgentResponse.js';
import type { AuditEntry } from '../audit/AuditEntry.js';
import type { KeyRing } from '../auth/KeyRing.js';
import type { SessionContext } from '../session/SessionStore.js';
import type { ConsoleDeps } from './ConsoleDeps.js';
import type { Settings } from '../config/Settings.js';
import type { ToolInvoker } from '../invocation/ToolInvoker.js';
import type { FleetReport } from '../fleet/fleetDrift.js';
import type { McpSessions } from '../mcp/McpSessions.js';
import type { PluginInstallAdmin } from '../plugins/PluginInstalls.js';
import type { PluginAdmin, PluginStatus, ToolDescription } from '../plugins/PluginStatus.js';
import type { MetricsSource } from '../telemetry/MetricsSource.js';

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
  plugins: PluginStatus[];
}

/** What the Koa app needs from the rest of the host. */
export interface HttpDeps {
  settings: Pick<
    Settings,
    'bodyLimitBytes' | 'metricsPublic' | 'sessionTtlSeconds' | 'acceptTraceContext'
  >;
  logger: Logger;
  /** The API keys every route but the health checks (and, if public, `/metrics`) asks for. */
  keys: KeyRing;
  tools: {
    list(): Promise<ToolDescription[]>;
    /** Plugins that failed (to load, or for crashing), with why; listed beside the tools. */
    failed?(): PluginStatus[];
    /** A registered tool's annotations; null when no such tool is registered. */
    annotations(name: string): ToolAnnotations | null;
  };
  /** Claims the session of `X-Session-Id` on a tool call for its caller (see SessionStore.claim). */
  sessions: { claim(sessionId: string, owner: string): Promise<boolean> };
  invoker: ToolInvoker;
  plugins: PluginAdmin;
  readiness(): Promise<ReadinessReport>;
  /** The support agent behind `/v1/sessions/…`; those routes are absent without it. */
  agent?: {
    processMessage(request: MessageRequest): Promise<MessageOutcome>;
    /** The session when it exists and belongs to `owner` (see SessionStore.readOwned). */
    session(sessionId: string, owner: string): Promise<SessionContext | null>;
  };
  /** The audit trail behind `GET /v1/sessions/:sessionId/audit`; that route exists only when keys are configured. */
  audit?: {
    /** A session's entries, newest first, at most 100. */
    list(sessionId: string): Promise<AuditEntry[]>;
    /** The payload kept in the blob store under an entry's `rawPayloadKey`; null when gone. */
    readPayload(key: string): Promise<unknown>;
  };
  /** Registry installs behind the admin routes (install, update, remove); absent in legacy mode. */
  installs?: PluginInstallAdmin;
  /** The fleet's desired state and drift, shown by `GET /v1/admin/plugins` (database manifests only). */
  fleet?: () => Promise<FleetReport>;
  /** The MCP sessions behind `/mcp`; the route is absent without them. */
  mcp?: McpSessions;
  /** Optional: more Prometheus text for `GET /metrics`, e.g. tool call counters kept by the invoker. */
  metrics?: MetricsSource;
  /** The operator console (`/console` and the admin routes it reads); absent without an admin key. */
  console?: ConsoleDeps;
}
