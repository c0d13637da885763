import type { Router } from '@koa/router';
import type { KeyRing } from '../auth/KeyRing.js';
import type { HttpDeps } from './HttpDeps.js';
import type { HttpState } from './HttpState.js';
import { installRoutes } from './installRoutes.js';
import { requireScope } from './requireScope.js';

const PLUGIN_ACTIONS = ['enable', 'disable', 'reload'] as const;

/**
 * `GET /v1/admin/plugins` and `POST /v1/admin/plugins/:name/{enable,disable,reload}` (and the
 * registry installs' `install`, `update`, `remove` when given), for keys with the `admin` scope;
 * with the fleet's shared manifests the list also shows the desired state and each host's drift. An unknown plugin (TOOLHOST_ERR_PLUGIN_UNKNOWN) becomes a 404 problem.
 */
export function adminRoutes(
  router: Router<HttpState>,
  plugins: HttpDeps['plugins'],
  keys: KeyRing,
  installs?: { admin: NonNullable<HttpDeps['installs']>; bodyLimitBytes: number },
  fleet?: HttpDeps['fleet'],
): void {
  const auth = requireScope(keys, ['admin']);
  if (installs) installRoutes(router, installs.admin, auth, installs.bodyLimitBytes);
  router.get('/v1/admin/plugins', auth, async (ctx) => {
    ctx.body = fleet
      ? { plugins: plugins.list(), fleet: await fleet() }
      : { plugins: plugins.list() };
  });
  for (const action of PLUGIN_ACTIONS) {
    router.post(`/v1/admin/plugins/:name/${action}`, auth, async (ctx) => {
      ctx.body = await plugins[action](ctx.params['name'] ?? '');
    });
  }
}
