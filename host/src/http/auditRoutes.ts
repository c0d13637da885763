import type { Router } from '@koa/router';
import type { KeyRing } from '../auth/KeyRing.js';
import type { HttpDeps } from './HttpDeps.js';
import type { HttpState } from './HttpState.js';
import { principalOf, requireScope } from './requireScope.js';
import { sessionIdParam, unknownSession } from './sessionIdParam.js';

/**
 * `GET /v1/sessions/:sessionId/audit`: the session's audit entries in the database, newest
 * first, at most 100 (in async audit mode the newest may still be in the journal). An `admin`
 * key reads any session's; a `messages` key only its own live session's, and only the entries
 * of that session, not of an earlier one that expired and whose id another key used.
 */
export function auditRoutes(
  router: Router<HttpState>,
  audit: NonNullable<HttpDeps['audit']>,
  agent: HttpDeps['agent'],
  keys: KeyRing,
  sessionTtlSeconds: number,
): void {
  router.get(
    '/v1/sessions/:sessionId/audit',
    requireScope(keys, ['messages', 'admin']),
    async (ctx) => {
      const principal = principalOf(ctx);
      const sessionId = sessionIdParam(ctx.params['sessionId']);
      if (principal.scopes.has('admin')) {
        ctx.body = { sessionId, entries: await audit.list(sessionId) };
        return;
      }
      const session = agent ? await agent.session(sessionId, principal.name) : null;
      if (session === null) throw unknownSession(sessionId);
      // An earlier session of this id was idle for a whole TTL before it expired, so its entries
      // are older than createdAt - TTL; half a TTL of margin absorbs clock skew between hosts.
      const since = Date.parse(session.createdAt) - (sessionTtlSeconds * 1000) / 2;
      const entries = await audit.list(sessionId);
      ctx.body = { sessionId, entries: entries.filter((e) => Date.parse(e.timestamp) > since) };
    },
  );
}
