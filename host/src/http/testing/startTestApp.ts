import { Writable } from 'node:stream';
import { ok, type JsonObject, type ToolResult } from '@toolhost/plugin-sdk';
import winston from 'winston';
import { createKeyRing } from '../../auth/KeyRing.js';
import { parseApiKeys, withAdminToken } from '../../config/parseApiKeys.js';
import { HostError } from '../../errors.js';
import type { InvokeOptions, Invocation, ToolInvoker } from '../../invocation/ToolInvoker.js';
import type { PluginAdmin, PluginStatus, ToolDescription } from '../../plugins/PluginStatus.js';
import { InMemorySessionStore } from '../../session/InMemorySessionStore.js';
import { createApp } from '../createApp.js';
import type { HttpDeps, ReadinessReport } from '../HttpDeps.js';
import { startHttpServer, type RunningHttpServer } from '../startHttpServer.js';

/** Test support for the HTTP API: hand-written stand-ins for the host's own seams, behind a real server. */

export type LogEntry = { level: string; message: string } & Record<string, unknown>;

export interface InvokeCall {
  tool: string;
  input: JsonObject;
  options: InvokeOptions;
}

export const TOOL: ToolDescription = {
  name: 'crm.lookup_customer',
  plugin: 'crm',
  description: 'Looks a customer up',
  inputSchema: { type: 'object' },
  outputSchema: null,
  annotations: {},
  isolation: 'inline',
  sandbox: null,
  state: { enabled: true, healthy: true, circuit: 'closed' },
};

export function pluginStatus(name: string, state: PluginStatus['state'] = 'enabled'): PluginStatus {
  return {
    name,
    state,
    manifestFile: `manifests/${name}.json`,
    version: '1.0.0',
    isolation: 'inline',
    tools: [],
    error: null,
    runtime: null,
    updatedAt: '2025-01-01T00:00:00.000Z',
  };
}

/** A PluginAdmin over an in-memory map; unknown names throw what the real one throws. */
export class MemoryPluginAdmin implements PluginAdmin {
  readonly plugins = new Map<string, PluginStatus>([['crm', pluginStatus('crm')]]);

  list(): PluginStatus[] {
    return [...this.plugins.values()];
  }
  enable(name: string): Promise<PluginStatus> {
    return this.set(name, 'enabled');
  }
  disable(name: string): Promise<PluginStatus> {
    return this.set(name, 'disabled');
  }
  reload(name: string): Promise<PluginStatus> {
    return this.set(name, this.plugins.get(name)?.state ?? 'enabled');
  }
  private async set(name: string, state: PluginStatus['state']): Promise<PluginStatus> {
    if (!this.plugins.has(name))
      throw new HostError('TOOLHOST_ERR_PLUGIN_UNKNOWN', { plugin: name });
    const status = pluginStatus(name, state);
    this.plugins.set(name, status);
    return status;
  }
}

/** A ToolInvoker that records its calls and answers with `answer` (by default an ok result). */
export class RecordingInvoker implements ToolInvoker {
  readonly calls: InvokeCall[] = [];
  answer: (call: InvokeCall) => Promise<ToolResult> = async (call) => ok({ echoed: call.input });

  async invoke(tool: string, input: JsonObject, options: InvokeOptions): Promise<Invocation> {
    const call = { tool, input, options };
    this.calls.push(call);
    const result = await this.answer(call);
    return {
      result,
      record: {
        tool,
        outcome: result.success ? 'success' : 'failure',
        errorCode: result.errorCode ?? null,
        attempts: 1,
        durationMs: 1,
      },
    };
  }
  circuitState(): 'closed' {
    return 'closed';
  }
  onCircuitChange(): () => void {
    return () => undefined;
  }
}

/** An API key as TOOLHOST_API_KEYS lists it. */
export interface TestKey {
  name: string;
  key: string;
  scopes: string[];
  tools?: string[];
  readOnly?: boolean;
}

export interface TestApp {
  url: string;
  server: RunningHttpServer;
  /** The Koa app behind the server. */
  app: ReturnType<typeof createApp>;
  invoker: RecordingInvoker;
  sessions: InMemorySessionStore;
  plugins: MemoryPluginAdmin;
  logs: LogEntry[];
  readiness: { report: ReadinessReport };
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  adminToken?: string | null;
  /** API keys besides the admin token's; none (and no token) is protected mode. */
  keys?: TestKey[];
  metricsPublic?: boolean;
  /** The registered tools (default: TOOL alone). */
  tools?: ToolDescription[];
  bodyLimitBytes?: number;
  metrics?: HttpDeps['metrics'];
  readiness?: () => Promise<ReadinessReport>;
  installs?: HttpDeps['installs'];
  console?: HttpDeps['console'];
}

/** Builds the app over fakes and serves it on 127.0.0.1, port 0. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const logs: LogEntry[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(JSON.parse(chunk.toString('utf8')) as LogEntry);
      callback();
    },
  });
  const logger = winston.createLogger({
    level: 'info',
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream: sink })],
  });
  const invoker = new RecordingInvoker();
  const plugins = new MemoryPluginAdmin();
  const readiness = {
    report: { ready: true, checks: { database: { ok: true } }, plugins: plugins.list() },
  };
  const adminToken = options.adminToken ? options.adminToken : null;
  const apiKeys = withAdminToken(
    'TOOLHOST_API_KEYS',
    parseApiKeys('TOOLHOST_API_KEYS', JSON.stringify(options.keys ?? [])),
    adminToken,
  );
  const tools = options.tools ?? [TOOL];
  const sessions = new InMemorySessionStore({ ttlSeconds: 600 });
  const deps: HttpDeps = {
    settings: {
      bodyLimitBytes: options.bodyLimitBytes ?? 1024,
      metricsPublic: options.metricsPublic ?? false,
      sessionTtlSeconds: 600,
      acceptTraceContext: true,
    },
    logger,
    keys: createKeyRing(apiKeys),
    tools: {
      list: async () => tools,
      failed: () => plugins.list().filter((status) => status.state === 'failed'),
      annotations: (name) => tools.find((tool) => tool.name === name)?.annotations ?? null,
    },
    sessions,
    invoker,
    plugins,
    readiness: options.readiness ?? (async () => readiness.report),
    ...(options.metrics && { metrics: options.metrics }),
    ...(options.installs && { installs: options.installs }),
    ...(options.console && { console: options.console }),
  };
  const app = createApp(deps);
  const server = await startHttpServer(app, { host: '127.0.0.1', port: 0 });
  return {
    url: server.url,
    server,
    app,
    invoker,
    sessions,
    plugins,
    logs,
    readiness,
    fetch: (path, init) => fetch(`${server.url}${path}`, init),
    close: () => server.close(1_000),
  };
}

/** Headers and body for a JSON POST. */
export function jsonPost(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}
