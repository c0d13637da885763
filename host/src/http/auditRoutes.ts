import type { Router } from '@koa/router';
import { ID_PATTERN } from '../session/assertSessionId.js';
import { bearerAuth } from './bearerAuth.js';
import type { HttpDeps } from './HttpDeps.js';
import type { HttpState } from './HttpState.js';
import { HttpProblem } from './problem.js';

/**
 * `GET /v1/sessions/:sessionId/audit` behind the admin bearer token: the session's audit
 * entries in the database, newest first, at most 100. In async audit mode the newest may
 * still be in the journal.
 */
export function auditRoutes(
  router: Router<HttpState>,
  audit: NonNullable<HttpDeps['audit']>,
  adminToken: string,
): void {
  router.get('/v1/sessions/:sessionId/audit', bearerAuth(adminToken), async (ctx) => {
    const sessionId = ctx.params['sessionId'];
    if (sessionId === undefined || !ID_PATTERN.test(sessionId)) {
      throw new HttpProblem(
        'TOOLHOST_HTTP_INVALID_BODY',
        'path parameter sessionId must be 1 to 128 characters from A-Z a-z 0-9 . _ : -',
      );
    }
    ctx.body = { sessionId, entries: await audit.list(sessionId) };
  });
}
