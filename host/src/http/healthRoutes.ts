import type { Router } from '@koa/router';
import type { HttpDeps } from './HttpDeps.js';
import type { HttpState } from './HttpState.js';
import { HttpProblem } from './problem.js';

const ALIVE = Object.freeze({ status: 'ok' });

/** `GET /healthz` (liveness, touches nothing) and `GET /readyz` (the readiness report, 503 when not ready). */
export function healthRoutes(router: Router<HttpState>, deps: Pick<HttpDeps, 'readiness'>): void {
  router.get('/healthz', (ctx) => {
    ctx.body = ALIVE;
  });
  router.get('/readyz', async (ctx) => {
    let report;
    try {
      report = await deps.readiness();
    } catch (error: unknown) {
      throw new HttpProblem('TOOLHOST_HTTP_UNAVAILABLE', 'the readiness check failed', {
        cause: error,
      });
    }
    ctx.status = report.ready ? 200 : 503;
    ctx.body = report;
  });
}
