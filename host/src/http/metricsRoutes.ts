import type { Router } from '@koa/router';
import type { Middleware } from 'koa';
import type { MetricsSource } from '../telemetry/MetricsSource.js';
import type { HttpMetrics } from './HttpMetrics.js';
import type { HttpState } from './HttpState.js';

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * `GET /metrics`: the HTTP metrics, then whatever the optional extra source adds; behind
 * `guard` (any key) unless the metrics are public.
 */
export function metricsRoutes(
  router: Router<HttpState>,
  metrics: HttpMetrics,
  extra: MetricsSource | undefined,
  guard: Middleware<HttpState> | null = null,
): void {
  const guards = guard === null ? [] : [guard];
  router.get('/metrics', ...guards, (ctx) => {
    let text = metrics.render();
    if (extra) {
      const more = extra.renderPrometheus();
      text += more.endsWith('\n') || more === '' ? more : `${more}\n`;
    }
    ctx.type = PROMETHEUS_TEXT;
    ctx.body = text;
  });
}
