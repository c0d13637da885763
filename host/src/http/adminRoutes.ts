import type { Router } from '@koa/router';
import type { JsonSchema } from '@toolhost/plugin-sdk/host';
import { manifestSchema } from '../manifests/manifestSchema.js';
import type { OperatorManifest } from '../plugins/PluginStatus.js';
import type { KeyRing } from '../auth/KeyRing.js';
import type { HttpDeps } from './HttpDeps.js';
import type { HttpState } from './HttpState.js';
import { installRoutes } from './installRoutes.js';
import { readJsonBody } from './readJsonBody.js';
import { requireScope } from './requireScope.js';
import { compileBodyValidator } from './validateBody.js';

const PLUGIN_ACTIONS = ['enable', 'disable', 'reload'] as const;

const { enabled, isolation, config, secrets, permissions, policy, limits } =
  manifestSchema.properties;

/** The body of `PUT /v1/admin/plugins/:name/manifest`: every field but name and source. */
const operatorManifestSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { enabled, isolation, config, secrets, permissions, policy, limits },
};

const validateOperatorManifest = compileBodyValidator<OperatorManifest>(operatorManifestSchema);

/**
 * `GET /v1/admin/plugins` and `POST /v1/admin/plugins/:name/{enable,disable,reload}` (and the
 * registry installs' `install`, `update`, `remove` when given), for keys with the `admin` scope;
 * with the fleet's shared manifests the list also shows the desired state and each host's drift.
 * `PUT /v1/admin/plugins/:name/manifest` replaces a manifest's operator fields (config, policy, …). An unknown plugin (TOOLHOST_ERR_PLUGIN_UNKNOWN) becomes a 404 problem.
 */
export function adminRoutes(
  router: Router<HttpState>,
  plugins: HttpDeps['plugins'],
  keys: KeyRing,
  bodyLimitBytes: number,
  installs?: NonNullable<HttpDeps['installs']>,
  fleet?: HttpDeps['fleet'],
): void {
  const auth = requireScope(keys, ['admin']);
  if (installs) installRoutes(router, installs, auth, bodyLimitBytes);
  router.get('/v1/admin/plugins', auth, async (ctx) => {
    ctx.body = fleet
      ? { plugins: plugins.list(), fleet: await fleet() }
      : { plugins: plugins.list() };
  });
  const { configure } = plugins;
  if (configure) {
    router.put('/v1/admin/plugins/:name/manifest', auth, async (ctx) => {
      const choices = validateOperatorManifest(await readJsonBody(ctx, bodyLimitBytes));
      ctx.body = await configure.call(plugins, ctx.params['name'] ?? '', choices);
    });
  }
  for (const action of PLUGIN_ACTIONS) {
    router.post(`/v1/admin/plugins/:name/${action}`, auth, async (ctx) => {
      ctx.body = await plugins[action](ctx.params['name'] ?? '');
    });
  }
}
