import type { Router } from '@koa/router';
import type { JsonObject } from '@toolhost/plugin-sdk';
import type { JsonSchema } from '@toolhost/plugin-sdk/host';
import type { Middleware } from 'koa';
import type { ConsoleDeps } from './ConsoleDeps.js';
import type { HttpDeps } from './HttpDeps.js';
import type { HttpState } from './HttpState.js';
import { HttpProblem } from './problem.js';
import { readJsonBody } from './readJsonBody.js';
import { sessionIdParam, unknownSession } from './sessionIdParam.js';
import { compileBodyValidator } from './validateBody.js';

const validateInvokeBody = compileBodyValidator<{ input: JsonObject }>({
  type: 'object',
  properties: { input: { type: 'object' } },
  required: ['input'],
  additionalProperties: false,
} satisfies JsonSchema);

const PAYLOAD_KEY =
  /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}(\/[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}){0,15}$/;

/**
 * The admin routes the console reads besides the plugin routes, all behind `auth` (scope
 * `admin`): `GET /v1/admin/tools/stats` (the last hour per minute per tool),
 * `POST /v1/admin/tools/:tool/invoke` (a trial call answering with the ToolResult and the call
 * record), `GET /v1/admin/plugins/:name/manifest`, `GET /v1/admin/sessions/:sessionId` (any
 * owner's) and `GET /v1/admin/audit/payload?key=` (a large audit payload).
 */
export function consoleAdminRoutes(
  router: Router<HttpState>,
  deps: Pick<HttpDeps, 'invoker' | 'tools' | 'plugins' | 'settings'>,
  console: ConsoleDeps,
  auth: Middleware<HttpState>,
): void {
  router.get('/v1/admin/tools/stats', auth, (ctx) => {
    ctx.body = console.history.snapshot();
  });
  router.post('/v1/admin/tools/:tool/invoke', auth, async (ctx) => {
    const tool = ctx.params['tool'] ?? '';
    if (deps.tools.annotations(tool) === null) {
      throw new HttpProblem('TOOLHOST_HTTP_TOOL_UNKNOWN', `no tool named '${tool}' is registered`);
    }
    const { input } = validateInvokeBody(await readJsonBody(ctx, deps.settings.bodyLimitBytes));
    ctx.body = await deps.invoker.invoke(tool, input, {
      requestId: ctx.state.requestId,
      sessionId: null,
    });
  });
  router.get('/v1/admin/plugins/:name/manifest', auth, async (ctx) => {
    const name = ctx.params['name'] ?? '';
    if (!deps.plugins.list().some((plugin) => plugin.name === name)) {
      throw new HttpProblem('TOOLHOST_HTTP_PLUGIN_UNKNOWN', `no plugin named '${name}'`);
    }
    ctx.body = await console.manifests.view(name);
  });
  router.get('/v1/admin/sessions/:sessionId', auth, async (ctx) => {
    const sessionId = sessionIdParam(ctx.params['sessionId']);
    const session = await console.sessions.read(sessionId);
    if (session === null) throw unknownSession(sessionId);
    ctx.body = session;
  });
  router.get('/v1/admin/audit/payload', auth, async (ctx) => {
    const key = ctx.query['key'];
    if (
      typeof key !== 'string' ||
      !PAYLOAD_KEY.test(key) ||
      key.split('/').some((s) => s.startsWith('.'))
    ) {
      throw new HttpProblem(
        'TOOLHOST_HTTP_BAD_REQUEST',
        'query key must be an audit rawPayloadKey (1 to 16 /-separated segments of A-Z a-z 0-9 . _ -)',
      );
    }
    const payload = console.payloads ? await console.payloads.read(key) : null;
    if (payload === null)
      throw new HttpProblem('TOOLHOST_HTTP_NOT_FOUND', `no audit payload '${key}'`);
    ctx.body = payload;
  });
}
