import 'reflect-metadata';
import type { Redis } from 'ioredis';
import type { Logger } from 'winston';
import { CustomerSupportAgent } from './agent/CustomerSupportAgent.js';
import { RulePlanner } from './agent/RulePlanner.js';
import type { AuditTrail } from './audit/AuditTrail.js';
import { openAuditTrail } from './audit/openAuditTrail.js';
import { createKeyRing } from './auth/KeyRing.js';
import { assertProtectedMode } from './auth/protectedMode.js';
import { createMemoryCacheBackend } from './cache/createMemoryCacheBackend.js';
import { createRedisCacheBackend } from './cache/createRedisCacheBackend.js';
import type { CacheBackend } from './cache/CacheBackend.js';
import { maskSettings } from './config/maskSettings.js';
import type { Settings } from './config/Settings.js';
import { createRootContainer } from './container/createRootContainer.js';
import type { Database } from './db/Database.js';
import { openDatabase } from './db/openDatabase.js';
import { parseDatabaseUrl } from './db/parseDatabaseUrl.js';
import { PackageInstaller } from './distribution/PackageInstaller.js';
import { PluginDistribution } from './distribution/PluginDistribution.js';
import { isHostError, type HostErrorCode } from './errors.js';
import { createApp } from './http/createApp.js';
import type { ReadinessReport } from './http/HttpDeps.js';
import { startHttpServer } from './http/startHttpServer.js';
import { createToolInvoker } from './invocation/createToolInvoker.js';
import { countToolCalls, ToolCallMetrics } from './invocation/ToolCallMetrics.js';
import type { ToolInvoker } from './invocation/ToolInvoker.js';
import { createDatabaseManifestStore, seedManifests } from './fleet/createDatabaseManifestStore.js';
import { FleetReporter } from './fleet/FleetReporter.js';
import { createFileManifestStore } from './manifests/createFileManifestStore.js';
import { McpSessions } from './mcp/McpSessions.js';
import { registryToolSource } from './mcp/registryToolSource.js';
import { createPluginLoader } from './plugins/createPluginLoader.js';
import { checkProcessSandbox } from './sandbox/checkProcessSandbox.js';
import { describeTools } from './plugins/describeTools.js';
import { describeManifest } from './plugins/describeManifest.js';
import { createPluginInstalls, type InstallProgressEvent } from './plugins/PluginInstalls.js';
import type { PluginManager } from './plugins/PluginManager.js';
import { startPlugins } from './plugins/startPlugins.js';
import { ToolRegistry } from './plugins/ToolRegistry.js';
import { closeRedisClient, createRedisClient } from './redis/createRedisClient.js';
import { createSessionStore } from './session/createSessionStore.js';
import type { SessionStore } from './session/SessionStore.js';
import { abortable } from './startup/abortable.js';
import { retryUntilReachable } from './startup/retryUntilReachable.js';
import { createLogger } from './telemetry/createLogger.js';
import { createTracing, type Tracing } from './telemetry/createTracing.js';

export interface StartHostOptions {
  logger?: Logger;
  tracing?: Tracing;
  /**
   * Aborting it stops start-up at once (SIGTERM/SIGINT): what was opened is closed, then it
   * rejects with the signal's reason. A connection still being attempted is left to the
   * process's exit, which `toolhost start` then does.
   */
  signal?: AbortSignal;
}

/** A running host; `stop()` drains HTTP requests and tool calls, then closes every service. */
export interface Host {
  readonly settings: Settings;
  readonly url: string;
  readonly logger: Logger;
  readonly registry: ToolRegistry;
  readonly plugins: PluginManager | null;
  readonly invoker: ToolInvoker;
  readonly agent: CustomerSupportAgent;
  readonly sessions: SessionStore;
  readonly database: Database;
  readonly audit: AuditTrail;
  readiness(): Promise<ReadinessReport>;
  stop(): Promise<void>;
}

async function check(probe: () => Promise<void>): Promise<{ ok: boolean; detail?: string }> {
  try {
    await probe();
    return { ok: true };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}

function isCoded(code: HostErrorCode): (error: unknown) => boolean {
  return (error) => isHostError(error) && error.code === code;
}

/**
 * Boots the host (DESIGN section 6): settings → services → root container → plugins
 * from manifests (or the built-ins in legacy mode) → the call wrapper → HTTP. Each phase is
 * logged at info; an unreachable PostgreSQL or Redis is retried for `startupTimeoutMs`.
 * @throws HostError `TOOLHOST_ERR_PROTECTED_MODE` before anything starts when it would listen
 *   beyond loopback without API keys; the coded error of the phase that failed otherwise.
 */
export async function startHost(settings: Settings, options: StartHostOptions = {}): Promise<Host> {
  const logger = options.logger ?? createLogger(settings.logLevel);
  const { signal } = options;
  const keys = createKeyRing(settings.apiKeys);
  assertProtectedMode(keys, settings.host);
  logger.info('toolhost starting', { settings: maskSettings(settings) });
  if (keys.protectedMode) {
    logger.warn(
      'protected mode: no API keys are configured, so the host listens on loopback only and every local caller may send messages and call tools',
      { host: settings.host },
    );
  }
  const phase = (name: string, fields: Record<string, unknown> = {}) => {
    signal?.throwIfAborted();
    logger.info('start-up phase', { phase: name, ...fields });
  };
  const step = <T>(work: Promise<T>) => abortable(work, signal);
  const tracing =
    options.tracing ??
    createTracing({
      otlpEndpoint: settings.otlpEndpoint,
      exportDelayMs: settings.otlpExportDelayMs,
    });
  const cleanups: Array<() => Promise<void>> = [() => tracing.shutdown()];
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) =>
        logger.warn('shutdown step failed', { error: (error as Error).message }),
      );
    }
  };
  try {
    const { kind } = parseDatabaseUrl(settings.databaseUrl);
    phase('database', { kind });
    // A server may be on its way; a file that cannot be opened now will not open later.
    const database = await retryUntilReachable(() => openDatabase(settings.databaseUrl), {
      what: 'database',
      timeoutMs: settings.startupTimeoutMs,
      retryable: kind === 'postgres' ? isCoded('TOOLHOST_ERR_DATABASE_UNAVAILABLE') : () => false,
      logger,
      signal,
    });
    cleanups.push(() => database.close());
    phase('audit', { mode: settings.auditWriteMode });
    // Closed before the database (cleanups run in reverse): async mode flushes its journal.
    const audit = await step(openAuditTrail({ settings, database, logger }));
    cleanups.push(() => audit.close());
    let redis: Redis | null = null;
    let cache: CacheBackend;
    if (settings.redisUrl) {
      phase('redis');
      const url = settings.redisUrl;
      const client = await retryUntilReachable(() => createRedisClient(url, logger), {
        what: 'redis',
        timeoutMs: settings.startupTimeoutMs,
        retryable: isCoded('TOOLHOST_ERR_REDIS_UNAVAILABLE'),
        logger,
        signal,
      });
      redis = client;
      cleanups.push(() => closeRedisClient(client));
      cache = createRedisCacheBackend(client);
    } else {
      cache = createMemoryCacheBackend();
    }
    cleanups.push(() => cache.close());

    phase('plugins', { mode: settings.registryMode });
    // The sandbox of `process` plugins is tried once; a plugin that needs it waits for it.
    const { processSandbox } = settings.pluginRuntime;
    void checkProcessSandbox(processSandbox).then((check) =>
      check.available
        ? logger.info('process sandbox available', {
            sandbox: processSandbox,
            address_space_limit: check.addressSpaceLimit,
          })
        : logger.warn('process sandbox unavailable: isolation process is refused', {
            sandbox: processSandbox,
            reason: check.reason,
          }),
    );
    const container = createRootContainer({ logger, database, cache });
    const registry = new ToolRegistry({ logger, drainTimeoutMs: settings.drainTimeoutMs });
    cleanups.push(() => registry.stopAll());
    // Registry installs: verified before every load, reinstalled when missing.
    const installer = new PackageInstaller({
      pluginsDir: settings.pluginsDir,
      dataDir: settings.dataDir,
      registry: settings.packageRegistry,
    });
    const fleetMode = settings.fleet.manifestStore === 'database';
    const manifests = fleetMode
      ? createDatabaseManifestStore({
          database,
          url: settings.databaseUrl,
          logger,
          seedFrom: settings.manifestsDir,
        })
      : createFileManifestStore(settings.manifestsDir);
    if (fleetMode && settings.registryMode === 'registry') {
      await step(seedManifests(database, settings.manifestsDir, logger));
    }
    logger.info('plugin manifests', {
      store: manifests.kind,
      host_id: settings.fleet.hostId,
      ...(fleetMode ? { table: 'plugin_manifest' } : { dir: settings.manifestsDir }),
    });
    const starting = startPlugins({
      settings,
      store: manifests,
      ...(fleetMode ? { pollIntervalMs: settings.fleet.reconcileMs } : {}),
      registry,
      load: createPluginLoader({
        pluginsDir: settings.pluginsDir,
        container,
        runtime: settings.pluginRuntime,
        installed: installer,
      }),
      logger,
    });
    // Closed even when an abort stops the wait for it.
    cleanups.push(async () => (await starting).close());
    const plugins = await step(starting);
    const installListeners = new Set<(event: InstallProgressEvent) => void>();
    const installs = plugins.manager
      ? createPluginInstalls(
          new PluginDistribution(installer, manifests),
          plugins.manager,
          registry,
          (event) => {
            for (const listener of installListeners) listener(event);
          },
        )
      : undefined;

    let url: string | null = null;
    const manager = plugins.manager;
    const reporter =
      fleetMode && manager
        ? new FleetReporter({
            database,
            store: manifests,
            hostId: settings.fleet.hostId,
            url: () => url,
            statuses: () => registry.statuses(),
            revisions: () => manager.revisions(),
            onChange: (listener) => registry.onChange(listener),
            intervalMs: settings.fleet.reconcileMs,
            logger,
          })
        : null;

    const toolMetrics = new ToolCallMetrics();
    const closing = new AbortController();
    const invoker = countToolCalls(
      createToolInvoker({ lookup: (name) => registry.get(name), tracer: tracing.tracer, logger }),
      toolMetrics,
    );
    const sessions = createSessionStore(settings, redis);
    cleanups.push(() => sessions.close());
    const agent = new CustomerSupportAgent({
      invoker,
      tools: registry,
      sessions,
      planner: new RulePlanner(),
      tracer: tracing.tracer,
      logger,
      onProcessed: async (message) => {
        await audit.record(message);
      },
    });
    const readiness = async (): Promise<ReadinessReport> => {
      const checks: ReadinessReport['checks'] = {
        database: await check(() => database.ping()),
        cache: await check(() => cache.ping()),
        sessions: await check(() => sessions.ping()),
      };
      return {
        ready: Object.values(checks).every((c) => c.ok),
        checks,
        plugins: registry.statuses(),
      };
    };
    const mcp = new McpSessions({
      tools: registryToolSource(registry),
      invoker,
      tracer: tracing.tracer,
      logger,
      settings: { idleMs: settings.mcp.sessionIdleMs, perKey: settings.mcp.sessionsPerKey },
    });
    const app = createApp({
      mcp,
      settings,
      logger,
      keys,
      tools: {
        list: () => describeTools(registry.list(), registry.statuses(), invoker),
        failed: () => registry.statuses().filter((status) => status.state === 'failed'),
        annotations: (name) => {
          const tool = registry.get(name);
          return tool ? (tool.spec.annotations ?? {}) : null;
        },
      },
      sessions,
      invoker,
      plugins: plugins.admin,
      ...(installs ? { installs } : {}),
      ...(reporter ? { fleet: () => reporter.fleet() } : {}),
      readiness,
      metrics: toolMetrics,
      agent: {
        processMessage: (request) => agent.processMessage(request),
        session: (sessionId, owner) => sessions.readOwned(sessionId, owner),
      },
      audit: {
        list: (sessionId) => audit.list(sessionId),
        readPayload: (key) => audit.readPayload(key),
      },
      console: {
        history: toolMetrics.history,
        events: {
          onPluginChange: (listener) => registry.onChange(listener),
          onCircuitChange: (listener) => invoker.onCircuitChange(listener),
          onInstallProgress: (listener) => {
            installListeners.add(listener);
            return () => installListeners.delete(listener);
          },
        },
        manifests: {
          view: (name) =>
            describeManifest(
              name,
              registry.knows(name) ? registry.status(name).manifestFile : null,
              settings,
              (plugin) => manifests.readText(plugin),
            ),
        },
        sessions: { read: (sessionId) => sessions.get(sessionId) },
        payloads: { read: (key) => audit.readPayload(key) },
        closing: closing.signal,
      },
    });
    phase('http', { host: settings.host, port: settings.port });
    const server = await step(startHttpServer(app, { host: settings.host, port: settings.port }));
    cleanups.push(() => server.close(settings.drainTimeoutMs));
    // Runs before the server's close: open MCP streams would hold it for the whole drain.
    cleanups.push(() => mcp.close());
    // Runs before the server closes (cleanups run in reverse): open event streams end.
    cleanups.push(async () => closing.abort());
    // `localhost` is resolved by the system: check what was actually bound.
    const bound = server.server.address();
    if (bound !== null && typeof bound === 'object') {
      assertProtectedMode(keys, settings.host, bound.address);
    }
    url = server.url;
    if (reporter) {
      await step(reporter.start());
      cleanups.push(() => reporter.stop());
    }
    signal?.throwIfAborted();
    logger.info('toolhost listening', {
      url: server.url,
      tools: registry.list().length,
      protected_mode: keys.protectedMode,
    });

    let stopping: Promise<void> | null = null;
    return {
      settings,
      url: server.url,
      logger,
      registry,
      plugins: plugins.manager,
      invoker,
      agent,
      sessions,
      database,
      audit,
      readiness,
      stop: () =>
        (stopping ??= closeAll().then(() => {
          logger.info('toolhost stopped');
        })),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
