import type { Router } from '@koa/router';
import type { JsonObject } from '@toolhost/plugin-sdk';
import type { JsonSchema } from '@toolhost/plugin-sdk/host';
import { ID_PATTERN } from '../session/assertSessionId.js';
import type { HttpDeps } from './HttpDeps.js';
import type { HttpState } from './HttpState.js';
import { HttpProblem } from './problem.js';
import { readJsonBody } from './readJsonBody.js';
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

/**
 * `GET /v1/tools` (the served tools, and the plugins that failed with why) and
 * `POST /v1/tools/:tool/invoke` (200 with the ToolResult, whatever its success).
 */
export function toolRoutes(
  router: Router<HttpState>,
  deps: Pick<HttpDeps, 'tools' | 'invoker' | 'settings'>,
): void {
  const limitBytes = deps.settings.bodyLimitBytes;
  router.get('/v1/tools', async (ctx) => {
    ctx.body = { tools: await deps.tools.list(), failed: deps.tools.failed?.() ?? [] };
  });
  router.post('/v1/tools/:tool/invoke', async (ctx) => {
    const tool = ctx.params['tool'] ?? '';
    const sessionId = sessionIdOf(ctx.get('X-Session-Id'));
    if (!deps.tools.has(tool)) {
      throw new HttpProblem('TOOLHOST_HTTP_TOOL_UNKNOWN', `no tool named '${tool}' is registered`);
    }
    const { input } = validateInvokeBody(await readJsonBody(ctx, limitBytes));
    const invocation = await deps.invoker.invoke(tool, input, {
      requestId: ctx.state.requestId,
      sessionId,
    });
    ctx.body = invocation.result;
  });
}
