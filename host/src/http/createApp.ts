import { Router } from '@koa/router';
import Koa from 'koa';
import { accessLog } from './accessLog.js';
import { adminRoutes } from './adminRoutes.js';
import { auditRoutes } from './auditRoutes.js';
import { handleErrors } from './handleErrors.js';
import { healthRoutes } from './healthRoutes.js';
import type { HttpDeps } from './HttpDeps.js';
import { HttpMetrics } from './HttpMetrics.js';
import type { HttpState } from './HttpState.js';
import { metricsRoutes } from './metricsRoutes.js';
import { requestId } from './requestId.js';
import { sessionRoutes } from './sessionRoutes.js';
import { toolRoutes } from './toolRoutes.js';

/**
 * The host's HTTP API (DESIGN section 10). Admin routes (and the audit route) exist only
 * when `settings.adminToken` is a non-empty string; otherwise their paths answer 404.
 */
export function createApp(deps: HttpDeps): Koa<HttpState> {
  const app = new Koa<HttpState>();
  // Errors Koa catches itself (a socket that fails while writing) go to our log, not stderr.
  app.on('error', (error: unknown) => {
    deps.logger.error('http response failed', {
      error_message: error instanceof Error ? error.message : String(error),
    });
  });

  const metrics = new HttpMetrics();
  const router = new Router<HttpState>();
  healthRoutes(router, deps);
  toolRoutes(router, deps);
  if (deps.agent) sessionRoutes(router, deps.agent, deps.settings.bodyLimitBytes);
  metricsRoutes(router, metrics, deps.metrics);
  const { adminToken } = deps.settings;
  if (typeof adminToken === 'string' && adminToken !== '') {
    adminRoutes(
      router,
      deps.plugins,
      adminToken,
      deps.installs
        ? { admin: deps.installs, bodyLimitBytes: deps.settings.bodyLimitBytes }
        : undefined,
    );
    if (deps.audit) auditRoutes(router, deps.audit, adminToken);
  }

  app.use(requestId());
  app.use(accessLog(deps.logger, metrics));
  app.use(handleErrors(deps.logger));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
