import type { Router } from '@koa/router';
import type { KeyRing } from '../auth/KeyRing.js';
import type { HttpDeps } from './HttpDeps.js';
import type { HttpState } from './HttpState.js';
import { HttpProblem } from './problem.js';
import { principalOf, requireScope } from './requireScope.js';
import { sessionIdParam, unknownSession } from './sessionIdParam.js';

const AUDIT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * `GET /v1/sessions/:sessionId/audit`: the session's audit entries in the database, newest
 * first, at most 100 (in async audit mode the newest may still be in the journal). An `admin`
 * key reads any session's; a `messages` key only its own live session's, and only the entries
 * of that session, not of an earlier one that expired and whose id another key used.
 * `GET /v1/sessions/:sessionId/audit/:auditId/payload` (admin): one entry's payload from the
 * blob store, for entries whose payload was too large to keep inline.
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
  // The key comes from the row, never from the client, so this reads only audit payloads.
  router.get(
    '/v1/sessions/:sessionId/audit/:auditId/payload',
    requireScope(keys, ['admin']),
    async (ctx) => {
      const sessionId = sessionIdParam(ctx.params['sessionId']);
      const auditId = ctx.params['auditId'] ?? '';
      if (!AUDIT_ID.test(auditId)) {
        throw new HttpProblem(
          'TOOLHOST_HTTP_INVALID_BODY',
          'path parameter auditId must be a UUID',
        );
      }
      const entry = (await audit.list(sessionId)).find((e) => e.id === auditId);
      if (entry === undefined) {
        throw new HttpProblem(
          'TOOLHOST_HTTP_NOT_FOUND',
          `no audit entry '${auditId}' in session '${sessionId}' (the newest 100 are searched)`,
        );
      }
      if (entry.rawPayloadKey === null) {
        throw new HttpProblem(
          'TOOLHOST_HTTP_NOT_FOUND',
          `audit entry '${entry.id}' kept its payload inline`,
        );
      }
      const payload = await audit.readPayload(entry.rawPayloadKey);
      if (payload === null) {
        throw new HttpProblem(
          'TOOLHOST_HTTP_NOT_FOUND',
          `the payload of audit entry '${entry.id}' is missing from the blob store`,
        );
      }
      ctx.body = { sessionId, id: entry.id, rawPayloadKey: entry.rawPayloadKey, payload };
    },
  );
}
