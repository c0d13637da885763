import type { Router } from '@koa/router';
import type { JsonSchema } from '@toolhost/plugin-sdk/host';
import type { ParameterizedContext } from 'koa';
import type { KeyRing } from '../auth/KeyRing.js';
import { ID_PATTERN } from '../session/assertSessionId.js';
import { IDEMPOTENCY_KEY_PATTERN } from '../session/validateSessionInput.js';
import type { HttpDeps } from './HttpDeps.js';
import type { HttpState } from './HttpState.js';
import { HttpProblem } from './problem.js';
import { readJsonBody } from './readJsonBody.js';
import { principalOf, requireScope } from './requireScope.js';
import { sessionIdParam, unknownSession } from './sessionIdParam.js';
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

/**
 * The message's Idempotency-Key (an RFC 8941 string may come quoted), else the caller's own
 * X-Request-Id (one the requestId middleware accepted), else null.
 */
function idempotencyKeyOf(
  ctx: ParameterizedContext<HttpState>,
): { key: string; header: string } | null {
  const header = ctx.get('Idempotency-Key');
  if (header !== '') {
    const key = /^"(.*)"$/.exec(header)?.[1] ?? header;
    if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
      throw new HttpProblem(
        'TOOLHOST_HTTP_INVALID_HEADER',
        'header Idempotency-Key must be 1 to 255 visible ASCII characters',
      );
    }
    return { key, header: 'Idempotency-Key' };
  }
  const given = ctx.get('X-Request-Id');
  return given !== '' && given === ctx.state.requestId
    ? { key: given, header: 'X-Request-Id' }
    : null;
}

/**
 * `POST /v1/sessions/:sessionId/messages` (the agent) and `GET /v1/sessions/:sessionId`, both
 * with scope `messages` and only on the caller's own sessions: another key's session answers
 * 404 like a missing one. A message with an Idempotency-Key (or a repeated X-Request-Id) runs
 * once: a retry gets the stored answer (`Idempotent-Replayed: true`), 409 while the first is
 * still running, 422 when the key came with another message.
 */
export function sessionRoutes(
  router: Router<HttpState>,
  agent: NonNullable<HttpDeps['agent']>,
  keys: KeyRing,
  limitBytes: number,
): void {
  const messages = requireScope(keys, ['messages']);
  router.post('/v1/sessions/:sessionId/messages', messages, async (ctx) => {
    const principal = principalOf(ctx);
    const sessionId = sessionIdParam(ctx.params['sessionId']);
    const idempotency = idempotencyKeyOf(ctx);
    const body = validateMessageBody(await readJsonBody(ctx, limitBytes));
    const outcome = await agent.processMessage({
      sessionId,
      text: body.text,
      requestId: ctx.state.requestId,
      owner: principal.name,
      idempotencyKey: idempotency?.key ?? null,
      ...(body.customerId === undefined ? {} : { customerId: body.customerId }),
    });
    switch (outcome.status) {
      case 'answered':
        ctx.state.logFields = outcome.log;
        ctx.type = 'json';
        ctx.body = outcome.body;
        return;
      case 'replayed':
        ctx.set('X-Request-Id', outcome.response.requestId);
        ctx.set('Idempotent-Replayed', 'true');
        ctx.type = 'json';
        ctx.body = outcome.body;
        return;
      case 'not_found':
        throw unknownSession(sessionId);
      case 'in_flight':
        throw new HttpProblem(
          'TOOLHOST_HTTP_MESSAGE_IN_FLIGHT',
          `a message with this ${idempotency?.header ?? 'Idempotency-Key'} is being answered; retry shortly for its answer`,
          { headers: { 'Retry-After': '1' } },
        );
      case 'key_reused':
        throw new HttpProblem(
          'TOOLHOST_HTTP_IDEMPOTENCY_KEY_REUSED',
          `this ${idempotency?.header ?? 'Idempotency-Key'} was used for a different message; use a new one for a new message`,
        );
    }
  });
  router.get('/v1/sessions/:sessionId', messages, async (ctx) => {
    const sessionId = sessionIdParam(ctx.params['sessionId']);
    const session = await agent.session(sessionId, principalOf(ctx).name);
    if (session === null) throw unknownSession(sessionId);
    ctx.body = session;
  });
}
