import type { Router } from '@koa/router';
import type { Middleware } from 'koa';
import type { JsonSchema } from '@toolhost/plugin-sdk/host';
import { manifestSchema } from '../manifests/manifestSchema.js';
import type { InstallRequest, PluginInstallAdmin } from '../plugins/PluginInstalls.js';
import type { HttpState } from './HttpState.js';
import { readJsonBody } from './readJsonBody.js';
import { compileBodyValidator } from './validateBody.js';

const { isolation, config, secrets, permissions, policy } = manifestSchema.properties;

const installBodySchema: JsonSchema = {
  type: 'object',
  required: ['spec'],
  additionalProperties: false,
  properties: {
    spec: { type: 'string', minLength: 1, maxLength: 300 },
    enable: { type: 'boolean' },
    manifest: {
      type: 'object',
      additionalProperties: false,
      properties: { isolation, config, secrets, permissions, policy },
    },
  },
};

const updateBodySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { range: { type: 'string', minLength: 1, maxLength: 100 } },
};

const validateInstall = compileBodyValidator<InstallRequest>(installBodySchema);
const validateUpdate = compileBodyValidator<{ range?: string }>(updateBodySchema);

/**
 * `POST /v1/admin/plugins/install` (201), `POST /v1/admin/plugins/:name/update` and
 * `POST /v1/admin/plugins/:name/remove`, behind the admin routes' authentication.
 */
export function installRoutes(
  router: Router<HttpState>,
  installs: PluginInstallAdmin,
  auth: Middleware<HttpState>,
  bodyLimitBytes: number,
): void {
  router.post('/v1/admin/plugins/install', auth, async (ctx) => {
    const request = validateInstall(await readJsonBody(ctx, bodyLimitBytes));
    ctx.status = 201;
    ctx.body = await installs.install(request);
  });
  router.post('/v1/admin/plugins/:name/update', auth, async (ctx) => {
    const hasBody = (ctx.request.length ?? 0) > 0 || ctx.get('Transfer-Encoding') !== '';
    const body = hasBody ? await readJsonBody(ctx, bodyLimitBytes) : {};
    const { range } = validateUpdate(body);
    ctx.body = await installs.update(ctx.params['name'] ?? '', range);
  });
  router.post('/v1/admin/plugins/:name/remove', auth, async (ctx) => {
    ctx.body = await installs.remove(ctx.params['name'] ?? '');
  });
}
