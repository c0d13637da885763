import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AgentResponse } from '../host/src/agent/AgentResponse.js';
import type { AuditEntry } from '../host/src/audit/AuditEntry.js';
import { createAuditTable } from '../host/src/audit/AuditTable.js';
import type { Database } from '../host/src/db/Database.js';
import { openDatabase } from '../host/src/db/openDatabase.js';
import { createScratchPostgres } from '../host/src/db/testing/createScratchPostgres.js';
import type { ScratchDatabase } from '../host/src/db/testing/ScratchDatabase.js';
import { startTcpProxy, type TcpProxy } from '../host/src/session/testing/startTcpProxy.js';
import { startHost, type Host } from '../host/src/startHost.js';
import {
  createInMemoryTracing,
  type InMemoryTracing,
} from '../host/src/telemetry/createInMemoryTracing.js';
import { bearer, CLIENT, keysEnv } from './support/apiKeys.js';
import { REPO_PLUGINS_DIR, useBuiltinManifests } from './support/builtinPlugins.js';
import {
  createCapturingLogger,
  type CapturingLogger,
  type LogLine,
} from './support/capturingLogger.js';
import { describeWithPostgres, postgresUrl } from './support/services.js';
import { createHostDirs, testSettings, type HostDirs } from './support/testHost.js';

const ADMIN_TOKEN = 'test-admin-token-0123456789';
const BUILTINS = ['rag', 'memory', 'escalation'];
const COLUMNS = [
  'id',
  'session_id',
  'request_id',
  'timestamp',
  'message_text',
  'tools_called',
  'selected_sources',
  'escalation_ticket_id',
  'pii_redacted',
  'raw_payload_key',
  'trace_id',
];
const PII_MESSAGE =
  'I want to talk to a human. My card 4111 1111 1111 1111 was charged twice, ' +
  'mail ann.lee@example.com or call +44 20 7946 0958';
const RAW_PII = ['4111 1111', '4111111111111111', 'ann.lee', 'example.com', '7946 0958', '7946'];

interface AuditHost {
  host: Host;
  dirs: HostDirs;
  lines: LogLine[];
  lineMatching: CapturingLogger['lineMatching'];
  spans(): ReturnType<InMemoryTracing['exporter']['getFinishedSpans']>;
  send(
    sessionId: string,
    text: string,
    requestId?: string,
  ): Promise<{ status: number; body: AgentResponse; headers: Headers; requestId: string }>;
  get(path: string, token?: string): Promise<{ status: number; body: unknown; headers: Headers }>;
  /** Every `message_audit` row as the driver returns it, keyed by column name. */
  rawRows(): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

const running: AuditHost[] = [];
async function stopRunning(): Promise<void> {
  for (const t of running.splice(0)) await t.stop();
}
afterEach(stopRunning);

async function startAuditHost(
  env: Record<string, string> = {},
  prepare: (dirs: HostDirs) => void = (dirs) => useBuiltinManifests(dirs, BUILTINS),
): Promise<AuditHost> {
  const dirs = createHostDirs();
  prepare(dirs);
  const { logger, lines, lineMatching } = createCapturingLogger();
  const tracing = createInMemoryTracing();
  let host: Host;
  try {
    host = await startHost(
      testSettings(dirs, {
        TOOLHOST_PLUGINS_DIR: REPO_PLUGINS_DIR,
        TOOLHOST_ADMIN_TOKEN: ADMIN_TOKEN,
        ...keysEnv(CLIENT),
        TOOLHOST_WATCH_MANIFESTS: 'false',
        ...env,
      }),
      { logger, tracing },
    );
  } catch (error) {
    dirs.remove();
    throw error;
  }
  const t: AuditHost = {
    host,
    dirs,
    lines,
    lineMatching,
    spans: () => tracing.exporter.getFinishedSpans(),
    async send(sessionId, text, requestId = `req-${randomUUID()}`) {
      const response = await fetch(`${host.url}/v1/sessions/${sessionId}/messages`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-request-id': requestId,
          ...bearer(CLIENT),
        },
        body: JSON.stringify({ text }),
      });
      return {
        status: response.status,
        headers: response.headers,
        body: (await response.json()) as AgentResponse,
        requestId,
      };
    },
    async get(path, token) {
      const response = await fetch(`${host.url}${path}`, {
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      });
      return { status: response.status, headers: response.headers, body: await response.json() };
    },
    rawRows: () =>
      host.database.orm.em.getConnection().execute('select * from message_audit order by id'),
    async stop() {
      await host.stop();
      dirs.remove();
    },
  };
  running.push(t);
  return t;
}

/** Asserts that no raw PII fragment occurs anywhere in `value` (stringified). */
function expectNoRawPii(where: string, value: unknown): void {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  for (const fragment of RAW_PII)
    expect(text, `${where} holds '${fragment}'`).not.toContain(fragment);
}

function expectOneRowPerRequest(rows: Record<string, unknown>[], requestIds: string[]): void {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const id = String(row['request_id']);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(requestIds.map((id) => [id, 1])));
}

async function entryOf(t: AuditHost, sessionId: string, requestId: string): Promise<AuditEntry> {
  const entry = (await t.host.audit.list(sessionId)).find((e) => e.requestId === requestId);
  if (!entry) throw new Error(`no audit entry for request ${requestId}`);
  return entry;
}

/** The audit view of the tools an AgentResponse reports. */
function callsOf(body: AgentResponse): AuditEntry['toolsCalled'] {
  return Object.entries(body.toolMetadata).map(([tool, m]) => ({
    tool,
    outcome: m.outcome,
    errorCode: m.errorCode,
    attempts: m.attempts,
    durationMs: m.durationMs,
  }));
}

const byTool = (calls: AuditEntry['toolsCalled']) =>
  [...calls].sort((a, b) => a.tool.localeCompare(b.tool));

function auditContract(databaseEnv: () => Record<string, string>): void {
  it('writes exactly one row per message: calls, sources, ticket, redacted text', async () => {
    const t = await startAuditHost(databaseEnv());
    const startedAt = Date.now();
    const session = `s-${randomUUID().slice(0, 8)}`;

    const knowledge = await t.send(session, 'How long does a refund take to reach my card?');
    const pii = await t.send(session, PII_MESSAGE);
    const again = await t.send(session, 'Can I speak to a human?');
    for (const answer of [knowledge, pii, again]) expect(answer.status).toBe(200);
    expect(knowledge.body.sources.length).toBeGreaterThan(0);
    const ticketId = pii.body.escalation?.ticketId;
    expect(ticketId).toMatch(/^TCK-/);
    expect(again.body.escalation).toEqual({ ticketId, created: false });

    const first = await entryOf(t, session, knowledge.requestId);
    expect(first).toMatchObject({
      sessionId: session,
      requestId: knowledge.requestId,
      messageText: 'How long does a refund take to reach my card?',
      selectedSources: knowledge.body.sources,
      escalationTicketId: null,
      piiRedacted: false,
      rawPayloadKey: null,
    });
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(Date.parse(first.timestamp)).toBeGreaterThanOrEqual(startedAt - 1);
    expect(Date.parse(first.timestamp)).toBeLessThanOrEqual(Date.now());
    expect(byTool(first.toolsCalled)).toEqual(byTool(callsOf(knowledge.body)));
    expect(first.toolsCalled.map((c) => c.tool).sort()).toEqual(['memory.remember', 'rag.search']);
    for (const call of first.toolsCalled) {
      expect(call).toMatchObject({ outcome: 'success', errorCode: null, attempts: 1 });
      expect(call.durationMs).toBeGreaterThanOrEqual(0);
    }

    const second = await entryOf(t, session, pii.requestId);
    expect(second.piiRedacted).toBe(true);
    expect(second.messageText).toBe(
      'I want to talk to a human. My card [CARD] was charged twice, mail [EMAIL] or call [PHONE]',
    );
    expect(second.escalationTicketId).toBe(ticketId);
    expect(byTool(second.toolsCalled)).toEqual(byTool(callsOf(pii.body)));
    expect(second.toolsCalled.map((c) => c.tool)).toContain('escalation.create_ticket');

    const third = await entryOf(t, session, again.requestId);
    expect(third).toMatchObject({ piiRedacted: false, escalationTicketId: ticketId });
    expect(third.toolsCalled.map((c) => c.tool)).not.toContain('escalation.create_ticket');
    expect(new Set([first.traceId, second.traceId, third.traceId]).size).toBe(3);

    const rows = await t.rawRows();
    expectOneRowPerRequest(rows, [knowledge.requestId, pii.requestId, again.requestId]);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual([...COLUMNS].sort());
      for (const column of COLUMNS) expectNoRawPii(`column ${column}`, row[column]);
    }
    expectNoRawPii('the log', t.lines);
    expectNoRawPii(
      'the spans',
      t
        .spans()
        .map((span) => ({ name: span.name, attributes: span.attributes, events: span.events })),
    );
  });

  it('records failed calls with their error code and retried calls with their attempts', async () => {
    const t = await startAuditHost(databaseEnv(), (dirs) => {
      useBuiltinManifests(dirs, ['memory', 'escalation']);
      dirs.addPlugin('rag-flaky');
      dirs.writeManifest({
        name: 'rag',
        enabled: true,
        source: { path: join(dirs.pluginsDir, 'rag-flaky') },
        policy: { retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 2 } },
      });
    });
    const retried = await t.send('s-flaky', 'How do refunds work?');
    const failed = await t.send('s-flaky', 'Why does the search explode?');
    expect(retried.status).toBe(200);
    expect(failed.status).toBe(200);

    const ok = await entryOf(t, 's-flaky', retried.requestId);
    expect(ok.toolsCalled.find((c) => c.tool === 'rag.search')).toMatchObject({
      outcome: 'success',
      errorCode: null,
      attempts: 2,
    });
    expect(ok.selectedSources).toEqual([
      { sourceId: 'flaky-1', title: 'Flaky answer', score: 2.5 },
    ]);

    const broken = await entryOf(t, 's-flaky', failed.requestId);
    expect(broken.toolsCalled.find((c) => c.tool === 'rag.search')).toMatchObject({
      outcome: 'failure',
      errorCode: 'internal',
      attempts: 1,
    });
    expect(broken.selectedSources).toEqual([]);
    expect(byTool(broken.toolsCalled)).toEqual(byTool(callsOf(failed.body)));
  });

  it('puts a payload over AUDIT_INLINE_MAX_BYTES in the blob store and keeps its key', async () => {
    const t = await startAuditHost({ ...databaseEnv(), AUDIT_INLINE_MAX_BYTES: '1500' });
    const big = await t.send('s-big', `${PII_MESSAGE}. ${'Please help me with this. '.repeat(60)}`);
    const small = await t.send('s-big', 'hi');
    expect(big.status).toBe(200);

    const entry = await entryOf(t, 's-big', big.requestId);
    const month = entry.timestamp.slice(0, 7).replace('-', '/');
    expect(entry.rawPayloadKey).toBe(`audit/${month}/${entry.id}.json`);
    const payload = await t.host.audit.readPayload(entry.rawPayloadKey ?? '');
    expect(payload).toEqual({
      request: {
        sessionId: 's-big',
        requestId: big.requestId,
        customerId: null,
        text: entry.messageText,
      },
      response: big.body,
    });
    const file = await readFile(join(t.dirs.dataDir, 'blobs', entry.rawPayloadKey ?? ''), 'utf8');
    expect(JSON.parse(file)).toEqual(payload);
    expectNoRawPii('the payload blob', file);

    // "hi" answers with a short reply and no sources: its payload fits inline.
    const inline = await entryOf(t, 's-big', small.requestId);
    expect(Buffer.byteLength(JSON.stringify({ request: {}, response: small.body }))).toBeLessThan(
      1000,
    );
    expect(inline.rawPayloadKey).toBeNull();
    expect(await t.host.audit.readPayload('audit/2000/01/none.json')).toBeNull();
  });

  it('serves GET /v1/sessions/:id/audit to a key, the admin token among them, newest first, at most 100', async () => {
    const t = await startAuditHost(databaseEnv());
    const sent = [];
    for (const text of ['one?', 'two?', 'three?']) sent.push(await t.send('s-read', text));

    const anonymous = await t.get('/v1/sessions/s-read/audit');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    expect(anonymous.body).toMatchObject({ code: 'TOOLHOST_HTTP_UNAUTHORIZED' });
    expect((await t.get('/v1/sessions/s-read/audit', 'wrong-token-0123456789')).status).toBe(401);

    const read = await t.get('/v1/sessions/s-read/audit', ADMIN_TOKEN);
    expect(read.status).toBe(200);
    const body = read.body as { sessionId: string; entries: AuditEntry[] };
    expect(body.sessionId).toBe('s-read');
    expect(body.entries.map((e) => e.requestId)).toEqual(sent.map((s) => s.requestId).reverse());
    expect(Object.keys(body.entries[0] ?? {}).sort()).toEqual(
      [
        'id',
        'sessionId',
        'requestId',
        'timestamp',
        'messageText',
        'toolsCalled',
        'selectedSources',
        'escalationTicketId',
        'piiRedacted',
        'rawPayloadKey',
        'traceId',
      ].sort(),
    );
    expect(body.entries[0]).toEqual(await entryOf(t, 's-read', sent[2]!.requestId));

    const table = createAuditTable(t.host.database.orm);
    const base = Date.now() - 60_000;
    await table.insert(
      Array.from({ length: 105 }, (_, n) => ({
        ...body.entries[0]!,
        id: randomUUID(),
        sessionId: 's-many',
        requestId: `many-${n}`,
        timestamp: new Date(base + n * 1000).toISOString(),
      })),
    );
    const many = (await t.get('/v1/sessions/s-many/audit', ADMIN_TOKEN)).body as {
      entries: AuditEntry[];
    };
    expect(many.entries).toHaveLength(100);
    expect(many.entries[0]?.requestId).toBe('many-104');
    expect(many.entries[99]?.requestId).toBe('many-5');

    expect((await t.get('/v1/sessions/nobody/audit', ADMIN_TOKEN)).body).toEqual({
      sessionId: 'nobody',
      entries: [],
    });
    expect((await t.get('/v1/sessions/bad%20id/audit', ADMIN_TOKEN)).status).toBe(400);
  });

  it('async mode: answers once journaled, writes the rows in the background, flushes at stop', async () => {
    const t = await startAuditHost({ ...databaseEnv(), AUDIT_WRITE_MODE: 'async' });
    expect(t.host.audit.mode).toBe('async');
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, n) => t.send(`s-async-${n % 3}`, `How do refunds work? ${n}`)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(30).fill(200));
    await t.host.audit.flush();
    expectOneRowPerRequest(
      await t.rawRows(),
      answers.map((a) => a.requestId),
    );

    const late = await Promise.all([
      t.send('s-async-0', 'late one'),
      t.send('s-async-1', 'late two'),
    ]);
    await t.host.stop();
    const reopened = await openDatabase(
      databaseEnv()['DATABASE_URL'] ?? `sqlite:${join(t.dirs.dataDir, 'toolhost.sqlite')}`,
      { migrate: false },
    );
    try {
      const rows = await reopened.orm.em
        .getConnection()
        .execute('select request_id from message_audit');
      expectOneRowPerRequest(
        rows,
        [...answers, ...late].map((a) => a.requestId),
      );
    } finally {
      await reopened.close();
    }
  });
}

describe('the audit trail on SQLite', () => {
  auditContract(() => ({}));

  it('has no audit route in protected mode (no admin token, no API keys)', async () => {
    const t = await startAuditHost({ TOOLHOST_ADMIN_TOKEN: '', TOOLHOST_API_KEYS: '' });
    await t.send('s-x', 'hello');
    expect((await t.get('/v1/sessions/s-x/audit', ADMIN_TOKEN)).status).toBe(404);
  });

  it('sync mode: a message whose row cannot be written answers 503, never unaudited', async () => {
    const t = await startAuditHost();
    const before = await t.send('s-down', 'How do refunds work?');
    expect(before.status).toBe(200);
    await t.host.database.close();

    const refused = await t.send('s-down', PII_MESSAGE);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body).toMatchObject({
      code: 'TOOLHOST_HTTP_UNAVAILABLE',
      requestId: refused.requestId,
      detail: expect.stringContaining('audit'),
    });
    expect(refused.body).not.toHaveProperty('reply');
    const failure = t.lines.find(
      (l) => l.message === 'http request failed' && l['request_id'] === refused.requestId,
    );
    expect(failure).toMatchObject({
      code: 'TOOLHOST_HTTP_UNAVAILABLE',
      error_message: expect.stringContaining('The audit trail failed'),
    });
    expectNoRawPii('the log', t.lines);
  });
});

describeWithPostgres('the audit trail on PostgreSQL', () => {
  let scratch: ScratchDatabase;
  beforeEach(async () => {
    scratch = await createScratchPostgres(postgresUrl());
  });
  afterEach(async () => {
    // Hosts first: dropping the database ends their connections.
    await stopRunning();
    await scratch.drop();
  });

  auditContract(() => ({ DATABASE_URL: scratch.url }));

  describe('behind a TCP proxy that goes down', () => {
    let proxy: TcpProxy;
    let direct: Database;

    beforeAll(async () => {
      const target = new URL(postgresUrl());
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    });
    beforeEach(async () => {
      direct = await openDatabase(scratch.url);
    });
    afterEach(async () => {
      await direct.close();
      await proxy.start().catch(() => undefined);
    });
    afterAll(async () => {
      await proxy?.stop();
    });

    function proxiedUrl(): string {
      const url = new URL(scratch.url);
      url.port = String(proxy.port);
      return url.href;
    }

    async function requestIdsInDatabase(sessionId: string): Promise<string[]> {
      const rows = await direct.orm.em
        .getConnection()
        .execute<{ request_id: string }[]>(
          'select request_id from message_audit where session_id = ?',
          [sessionId],
        );
      return rows.map((r) => r.request_id).sort();
    }

    it('sync mode: answers 503 while the database is unreachable, and recovers', async () => {
      const t = await startAuditHost({ DATABASE_URL: proxiedUrl() });
      const session = `pg-sync-${randomUUID().slice(0, 8)}`;
      const before = await t.send(session, 'How do refunds work?');
      expect(before.status).toBe(200);

      await proxy.stop();
      const refused = await t.send(session, 'Where is my parcel?');
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ code: 'TOOLHOST_HTTP_UNAVAILABLE' });

      await proxy.start();
      const after = await t.send(session, 'And my invoice?');
      expect(after.status).toBe(200);
      expect(await requestIdsInDatabase(session)).toEqual(
        [before.requestId, after.requestId].sort(),
      );
    });

    it('async mode: keeps answering while the database is unreachable; the rows follow', async () => {
      const t = await startAuditHost({ DATABASE_URL: proxiedUrl(), AUDIT_WRITE_MODE: 'async' });
      const session = `pg-async-${randomUUID().slice(0, 8)}`;
      await proxy.stop();
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, n) => t.send(session, `How do refunds work? ${n}`)),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
      expect(await requestIdsInDatabase(session)).toEqual([]);
      // Bring the database back only once the flusher has run into the outage.
      await t.lineMatching(
        (l) => l.message === 'audit rows wait in the journal: writing them failed',
      );

      await proxy.start();
      // Logged once the first batch after the outage is in: these 12 rows are one batch.
      await t.lineMatching((l) => l.message === 'audit rows reach the database again');
      expect(await requestIdsInDatabase(session)).toEqual(answers.map((a) => a.requestId).sort());
    });
  });
});
