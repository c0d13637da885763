import type { Router } from '@koa/router';
import type { Middleware, ParameterizedContext } from 'koa';
import type { KeyRing } from '../auth/KeyRing.js';
import { isLoopbackHost } from '../auth/protectedMode.js';
import type { McpRequestInfo } from '../mcp/createMcpServer.js';
import type { McpSession, McpSessions } from '../mcp/McpSessions.js';
import type { Principal } from '../auth/Principal.js';
import type { HttpDeps } from './HttpDeps.js';
import type { HttpState } from './HttpState.js';
import { HttpProblem } from './problem.js';
import { readJsonBody } from './readJsonBody.js';
import { principalOf, requireScope } from './requireScope.js';

const SESSION_HEADER = 'mcp-session-id';

/** An `initialize` request by its shape; the transport checks the rest of it. */
function isInitializeRequest(body: unknown): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    (body as { method?: unknown }).method === 'initialize' &&
    'id' in body
  );
}

const unbracketed = (host: string) => host.replace(/^\[|\]$/g, '').toLowerCase();

function hostnameOf(origin: string): string | null {
  try {
    return unbracketed(new URL(origin).hostname);
  } catch {
    return null;
  }
}

/**
 * MCP's guard against DNS rebinding: a page of another origin that made its name resolve to
 * this host must not reach /mcp. A browser's `Origin` must name the host the request went
 * to; in protected mode (no keys: any local caller is let in) the `Host` itself must be a
 * loopback name, so a rebound name is refused even without an `Origin`.
 */
function refuseRebinding(keys: KeyRing): Middleware<HttpState> {
  return (ctx, next) => {
    const origin = ctx.get('Origin');
    if (origin !== '' && hostnameOf(origin) !== unbracketed(ctx.hostname)) {
      throw new HttpProblem(
        'TOOLHOST_HTTP_FORBIDDEN',
        `requests from origin ${origin} are refused`,
      );
    }
    if (keys.protectedMode && !isLoopbackHost(ctx.hostname)) {
      throw new HttpProblem(
        'TOOLHOST_HTTP_FORBIDDEN',
        'in protected mode /mcp answers only requests to a loopback host name',
      );
    }
    return next();
  };
}

function sessionOf(
  sessions: McpSessions,
  ctx: ParameterizedContext<HttpState>,
  principal: Principal,
): McpSession {
  const id = ctx.get(SESSION_HEADER);
  if (id === '') {
    throw new HttpProblem(
      'TOOLHOST_HTTP_BAD_REQUEST',
      'header Mcp-Session-Id is required (a session starts with an initialize request)',
    );
  }
  const session = sessions.find(id, principal.name);
  // The spec's answer to an unknown, expired or closed session: 404, and the client starts anew.
  if (session === null)
    throw new HttpProblem('TOOLHOST_HTTP_SESSION_UNKNOWN', 'no MCP session with this id');
  return session;
}

/** Hands the request to the session's transport, which writes the answer itself. */
async function handOver(
  ctx: ParameterizedContext<HttpState>,
  session: McpSession,
  principal: Principal,
  body?: unknown,
): Promise<void> {
  const info: McpRequestInfo = { requestId: ctx.state.requestId };
  // The transport passes `auth` on to the handlers; the key itself never goes there.
  const req = Object.assign(ctx.req, {
    auth: {
      token: '',
      clientId: principal.name,
      scopes: [...principal.scopes],
      extra: { ...info },
    },
  });
  ctx.respond = false;
  await session.transport.handleRequest(req, ctx.res, body);
}

/**
 * `/mcp`, MCP's Streamable HTTP transport (DESIGN section 10a), for keys with the `tools`
 * scope. A POST without `Mcp-Session-Id` must be an `initialize` request and opens a
 * session bound to the key; every other request names a session of its key's (another
 * key's, an expired or a closed one answers 404). GET opens the session's stream of
 * server messages (`notifications/tools/list_changed`), DELETE ends it.
 */
export function mcpRoutes(
  router: Router<HttpState>,
  sessions: McpSessions,
  deps: Pick<HttpDeps, 'keys' | 'settings'>,
): void {
  const guard = refuseRebinding(deps.keys);
  const auth = requireScope(deps.keys, ['tools']);
  router.post('/mcp', guard, auth, async (ctx) => {
    const principal = principalOf(ctx);
    const body = await readJsonBody(ctx, deps.settings.bodyLimitBytes);
    if (ctx.get(SESSION_HEADER) !== '') {
      return handOver(ctx, sessionOf(sessions, ctx, principal), principal, body);
    }
    if (!isInitializeRequest(body)) {
      throw new HttpProblem(
        'TOOLHOST_HTTP_BAD_REQUEST',
        'header Mcp-Session-Id is required (a session starts with an initialize request)',
      );
    }
    const session = await sessions.open(principal);
    if (session === null) {
      throw new HttpProblem(
        'TOOLHOST_HTTP_TOO_MANY_SESSIONS',
        `key '${principal.name}' holds as many MCP sessions as it may; end one (DELETE /mcp) or let one expire`,
      );
    }
    await handOver(ctx, session, principal, body);
    // A refused initialize (an unsupported protocol version, a bad Accept) opened nothing.
    if (session.transport.sessionId === undefined) await sessions.end(session.id, 'refused');
  });
  router.get('/mcp', guard, auth, async (ctx) => {
    const principal = principalOf(ctx);
    await handOver(ctx, sessionOf(sessions, ctx, principal), principal);
  });
  router.delete('/mcp', guard, auth, async (ctx) => {
    const principal = principalOf(ctx);
    await handOver(ctx, sessionOf(sessions, ctx, principal), principal);
  });
}
