import { Router } from '@koa/router';
import Koa from 'koa';
import { accessLog } from './accessLog.js';
import { adminRoutes } from './adminRoutes.js';
import { EventTickets } from '../auth/EventTickets.js';
import { auditRoutes } from './auditRoutes.js';
import { continueTrace } from './continueTrace.js';
import { consoleAdminRoutes } from './consoleAdminRoutes.js';
import { consoleRoutes } from './consoleRoutes.js';
import { eventRoutes } from './eventRoutes.js';
import { handleErrors } from './handleErrors.js';
import { healthRoutes } from './healthRoutes.js';
import type { HttpDeps } from './HttpDeps.js';
import { HttpMetrics } from './HttpMetrics.js';
import type { HttpState } from './HttpState.js';
import { mcpRoutes } from './mcpRoutes.js';
import { metricsRoutes } from './metricsRoutes.js';
import { refuseForeignHost } from './refuseForeignHost.js';
import { requestId } from './requestId.js';
import { requireScope } from './requireScope.js';
import { sessionRoutes } from './sessionRoutes.js';
import { toolRoutes } from './toolRoutes.js';

/**
 * The host's HTTP API (DESIGN section 10). Every route but the health checks (and `/metrics`
 * when it is public) needs an API key with its scope. Admin routes exist only when some key
 * has the `admin` scope, the audit route only when keys are configured; otherwise their paths
 * answer 404. The operator console (`/console`) is served with the admin routes when `console` is given.
 */
export function createApp(deps: HttpDeps): Koa<HttpState> {
  const app = new Koa<HttpState>();
  // Errors Koa catches itself (a socket that fails while writing) go to our log, not stderr;
  // a client that hung up is its own doing, not ours.
  app.on('error', (error: unknown) => {
    const code = (error as { code?: unknown }).code;
    const clientGone =
      code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE';
    deps.logger.log(clientGone ? 'info' : 'error', 'http response failed', {
      error_message: error instanceof Error ? error.message : String(error),
    });
  });

  const { keys, settings } = deps;
  const metrics = new HttpMetrics();
  const router = new Router<HttpState>();
  healthRoutes(router, deps);
  toolRoutes(router, deps);
  if (deps.mcp) mcpRoutes(router, deps.mcp, deps);
  if (deps.agent) sessionRoutes(router, deps.agent, keys, settings.bodyLimitBytes);
  metricsRoutes(
    router,
    metrics,
    deps.metrics,
    settings.metricsPublic ? null : requireScope(keys, []),
  );
  if (keys.grants('admin')) {
    adminRoutes(router, deps.plugins, keys, settings.bodyLimitBytes, deps.installs, deps.fleet);
    if (deps.console) {
      const auth = requireScope(keys, ['admin']);
      const tickets = deps.console.tickets ?? new EventTickets();
      consoleRoutes(router, deps.console.assetsDir);
      consoleAdminRoutes(router, deps, deps.console, auth);
      eventRoutes(router, deps.console.events, tickets, auth, deps.console.closing);
    }
  }
  if (deps.audit && !keys.protectedMode) {
    auditRoutes(router, deps.audit, deps.agent, keys, settings.sessionTtlSeconds);
  }

  app.use(requestId());
  if (settings.acceptTraceContext) app.use(continueTrace());
  app.use(accessLog(deps.logger, metrics));
  app.use(handleErrors(deps.logger));
  if (keys.protectedMode) app.use(refuseForeignHost());
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
