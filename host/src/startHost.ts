import 'reflect-metadata';
import type { Redis } from 'ioredis';
import type { Logger } from 'winston';
import { CustomerSupportAgent } from './agent/CustomerSupportAgent.js';
import { RulePlanner } from './agent/RulePlanner.js';
import type { AuditTrail } from './audit/AuditTrail.js';
import { openAuditTrail } from './audit/openAuditTrail.js';
import { createMemoryCacheBackend } from './cache/createMemoryCacheBackend.js';
import { createRedisCacheBackend } from './cache/createRedisCacheBackend.js';
import type { CacheBackend } from './cache/CacheBackend.js';
import { maskSettings } from './config/maskSettings.js';
import type { Settings } from './config/Settings.js';
import { createRootContainer } from './container/createRootContainer.js';
import type { Database } from './db/Database.js';
import { openDatabase } from './db/openDatabase.js';
import { createApp } from './http/createApp.js';
import type { ReadinessReport } from './http/HttpDeps.js';
import { startHttpServer } from './http/startHttpServer.js';
import { createToolInvoker } from './invocation/createToolInvoker.js';
import { countToolCalls, ToolCallMetrics } from './invocation/ToolCallMetrics.js';
import type { ToolInvoker } from './invocation/ToolInvoker.js';
import { createPluginLoader } from './plugins/createPluginLoader.js';
import { checkProcessSandbox } from './sandbox/checkProcessSandbox.js';
import { describeTools } from './plugins/describeTools.js';
import type { PluginManager } from './plugins/PluginManager.js';
import { startPlugins } from './plugins/startPlugins.js';
import { ToolRegistry } from './plugins/ToolRegistry.js';
import { closeRedisClient, createRedisClient } from './redis/createRedisClient.js';
import { createSessionStore } from './session/createSessionStore.js';
import type { SessionStore } from './session/SessionStore.js';
import { createLogger } from './telemetry/createLogger.js';
import { createTracing, type Tracing } from './telemetry/createTracing.js';

export interface StartHostOptions {
  logger?: Logger;
  tracing?: Tracing;
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

/**
 * Boots the host (DESIGN section 6): settings → services → root container → plugins
 * from manifests (or the built-ins in legacy mode) → the call wrapper → HTTP.
 */
export async function startHost(settings: Settings, options: StartHostOptions = {}): Promise<Host> {
  const logger = options.logger ?? createLogger(settings.logLevel);
  logger.info('toolhost starting', { settings: maskSettings(settings) });
  const tracing = options.tracing ?? createTracing({ otlpEndpoint: settings.otlpEndpoint });
  const cleanups: Array<() => Promise<void>> = [() => tracing.shutdown()];
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) =>
        logger.warn('shutdown step failed', { error: (error as Error).message }),
      );
    }
  };
  try {
    const database = await openDatabase(settings.databaseUrl);
    cleanups.push(() => database.close());
    // Closed before the database (cleanups run in reverse): async mode flushes its journal.
    const audit = await openAuditTrail({ settings, database, logger });
    cleanups.push(() => audit.close());
    let redis: Redis | null = null;
    let cache: CacheBackend;
    if (settings.redisUrl) {
      const client = await createRedisClient(settings.redisUrl, logger);
      redis = client;
      cleanups.push(() => closeRedisClient(client));
      cache = createRedisCacheBackend(client);
    } else {
      cache = createMemoryCacheBackend();
    }
    cleanups.push(() => cache.close());

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
    const plugins = await startPlugins({
      settings,
      registry,
      load: createPluginLoader({
        pluginsDir: settings.pluginsDir,
        container,
        runtime: settings.pluginRuntime,
      }),
      logger,
    });
    cleanups.push(() => plugins.close());

    const toolMetrics = new ToolCallMetrics();
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
    const app = createApp({
      settings,
      logger,
      tools: {
        list: () => describeTools(registry.list(), registry.statuses(), invoker),
        has: (name) => registry.has(name),
        failed: () => registry.statuses().filter((status) => status.state === 'failed'),
      },
      invoker,
      plugins: plugins.admin,
      readiness,
      metrics: toolMetrics,
      agent: {
        processMessage: (request) => agent.processMessage(request),
        session: (sessionId) => sessions.get(sessionId),
      },
      audit: { list: (sessionId) => audit.list(sessionId) },
    });
    const server = await startHttpServer(app, { host: settings.host, port: settings.port });
    cleanups.push(() => server.close(settings.drainTimeoutMs));
    logger.info('toolhost listening', { url: server.url, tools: registry.list().length });

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
