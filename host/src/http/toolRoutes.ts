import type { Router } from '@koa/router';
import type { JsonObject } from '@toolhost/plugin-sdk';
import type { JsonSchema } from '@toolhost/plugin-sdk/host';
import { ID_PATTERN } from '../session/assertSessionId.js';
import { sessionIdForTools } from '../session/sessionOwner.js';
import type { HttpDeps } from './HttpDeps.js';
import type { HttpState } from './HttpState.js';
import { HttpProblem } from './problem.js';
import { readJsonBody } from './readJsonBody.js';
import { principalOf, requireScope } from './requireScope.js';
import { compileBodyValidator } from './validateBody.js';

interface InvokeBody {
  input: JsonObject;
}

const invokeBodySchema: JsonSchema = {
  type: 'object',
  properties: { input: { type: 'object' } },
  required: ['input'],
  additionalProperties: false,
};

const validateInvokeBody = compileBodyValidator<InvokeBody>(invokeBodySchema);

function sessionIdOf(header: string): string | null {
  if (header === '') return null;
  if (!ID_PATTERN.test(header)) {
    throw new HttpProblem(
      'TOOLHOST_HTTP_INVALID_HEADER',
      'header X-Session-Id must be 1 to 128 characters from A-Z a-z 0-9 . _ : -',
    );
  }
  return header;
}

function mayNotCall(key: string, tool: string): HttpProblem {
  return new HttpProblem('TOOLHOST_HTTP_FORBIDDEN', `key '${key}' may not call tool '${tool}'`);
}

/**
 * `GET /v1/tools` (scope `tools` or `admin`; a restricted key sees only the tools it may
 * call; `failed` lists the plugins that failed, with why, to keys that see every tool) and `POST /v1/tools/:tool/invoke` (scope `tools`, within the key's tool filter; 200
 * with the ToolResult, whatever its success). An `X-Session-Id` must name a session of the
 * caller's or a new one, which it then owns; another key's answers 404 like a missing one.
 */
export function toolRoutes(
  router: Router<HttpState>,
  deps: Pick<HttpDeps, 'tools' | 'invoker' | 'settings' | 'keys' | 'sessions'>,
): void {
  const limitBytes = deps.settings.bodyLimitBytes;
  router.get('/v1/tools', requireScope(deps.keys, ['tools', 'admin']), async (ctx) => {
    const principal = principalOf(ctx);
    const tools = await deps.tools.list();
    const everything = principal.scopes.has('admin') || principal.tools.unrestricted;
    ctx.body = {
      tools: everything ? tools : tools.filter((tool) => principal.tools.allows(tool)),
      // Why plugins are not served: for keys that may see every tool only.
      failed: everything ? (deps.tools.failed?.() ?? []) : [],
    };
  });
  router.post('/v1/tools/:tool/invoke', requireScope(deps.keys, ['tools']), async (ctx) => {
    const principal = principalOf(ctx);
    const tool = ctx.params['tool'] ?? '';
    const sessionId = sessionIdOf(ctx.get('X-Session-Id'));
    if (!principal.tools.allowsName(tool)) throw mayNotCall(principal.name, tool);
    const annotations = deps.tools.annotations(tool);
    if (annotations === null) {
      throw new HttpProblem('TOOLHOST_HTTP_TOOL_UNKNOWN', `no tool named '${tool}' is registered`);
    }
    if (!principal.tools.allows({ name: tool, annotations }))
      throw mayNotCall(principal.name, tool);
    const { input } = validateInvokeBody(await readJsonBody(ctx, limitBytes));
    if (sessionId !== null && !(await deps.sessions.claim(sessionId, principal.name))) {
      throw new HttpProblem('TOOLHOST_HTTP_SESSION_UNKNOWN', `no session '${sessionId}'`);
    }
    const invocation = await deps.invoker.invoke(tool, input, {
      requestId: ctx.state.requestId,
      sessionId: sessionId === null ? null : sessionIdForTools(principal.name, sessionId),
    });
    ctx.body = invocation.result;
  });
}
