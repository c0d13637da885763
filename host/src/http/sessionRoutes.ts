import type { Router } from '@koa/router';
import type { JsonSchema } from '@toolhost/plugin-sdk/host';
import { ID_PATTERN } from '../session/assertSessionId.js';
import type { HttpDeps } from './HttpDeps.js';
import type { HttpState } from './HttpState.js';
import { HttpProblem } from './problem.js';
import { readJsonBody } from './readJsonBody.js';
import { compileBodyValidator } from './validateBody.js';

interface MessageBody {
  text: string;
  customerId?: string;
}

const messageBodySchema: JsonSchema = {
  type: 'object',
  properties: {
    text: { type: 'string', minLength: 1, maxLength: 8000 },
    customerId: { type: 'string', pattern: ID_PATTERN.source },
  },
  required: ['text'],
  additionalProperties: false,
};

const validateMessageBody = compileBodyValidator<MessageBody>(messageBodySchema);

function sessionIdParam(value: string | undefined): string {
  if (value === undefined || !ID_PATTERN.test(value)) {
    throw new HttpProblem(
      'TOOLHOST_HTTP_INVALID_BODY',
      'path parameter sessionId must be 1 to 128 characters from A-Z a-z 0-9 . _ : -',
    );
  }
  return value;
}

/** `POST /v1/sessions/:sessionId/messages` (the agent) and `GET /v1/sessions/:sessionId`. */
export function sessionRoutes(
  router: Router<HttpState>,
  agent: NonNullable<HttpDeps['agent']>,
  limitBytes: number,
): void {
  router.post('/v1/sessions/:sessionId/messages', async (ctx) => {
    const sessionId = sessionIdParam(ctx.params['sessionId']);
    const body = validateMessageBody(await readJsonBody(ctx, limitBytes));
    ctx.body = await agent.processMessage({
      sessionId,
      text: body.text,
      requestId: ctx.state.requestId,
      ...(body.customerId === undefined ? {} : { customerId: body.customerId }),
    });
  });
  router.get('/v1/sessions/:sessionId', async (ctx) => {
    const sessionId = sessionIdParam(ctx.params['sessionId']);
    const session = await agent.session(sessionId);
    if (session === null) {
      throw new HttpProblem('TOOLHOST_HTTP_SESSION_UNKNOWN', `no session '${sessionId}'`);
    }
    ctx.body = session;
  });
}
