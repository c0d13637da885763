import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, keysEnv, type TestKey } from './support/apiKeys.js';
import { REPO_PLUGINS_DIR, useBuiltinManifests } from './support/builtinPlugins.js';
import { startTestHost, type TestHost } from './support/testHost.js';

// The server side of the operator console (issue 17): its page, its admin routes, its event stream.

const OPERATOR: TestKey = {
  name: 'operator',
  key: 'operator-key-for-console-api-01',
  scopes: ['admin', 'messages'],
};
const CLIENT: TestKey = { name: 'client', key: 'client-key-for-console-api-01', scopes: ['tools'] };

let t: TestHost;

beforeAll(async () => {
  t = await startTestHost(
    (dirs) => {
      useBuiltinManifests(dirs, ['rag', 'memory', 'escalation']);
      // A manifest the schema refuses: the viewer must put the error on its field.
      writeFileSync(
        join(dirs.manifestsDir, 'broken.json'),
        JSON.stringify({
          name: 'broken',
          enabled: true,
          source: { path: 'rag' },
          policy: { timeoutMs: 0 },
        }),
      );
    },
    {
      TOOLHOST_PLUGINS_DIR: REPO_PLUGINS_DIR,
      TOOLHOST_WATCH_MANIFESTS: 'false',
      ...keysEnv(OPERATOR, CLIENT),
    },
  );
});
afterAll(async () => {
  await t?.stop();
});

const post = (path: string, who: TestKey | null, body?: unknown) =>
  t.request(path, {
    method: 'POST',
    headers: {
      ...(who ? bearer(who) : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const get = (path: string, who: TestKey | null = OPERATOR) =>
  t.request(path, { headers: who ? bearer(who) : {} });

/** Reads server-sent events off a fetch body until `until` says stop. */
async function readEvents(
  response: Response,
  until: (events: Array<{ event: string; data: unknown }>) => boolean,
): Promise<Array<{ event: string; data: unknown }>> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: Array<{ event: string; data: unknown }> = [];
  let buffer = '';
  while (!until(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) as unknown });
    }
  }
  await reader.cancel();
  return events;
}

describe('the console page', () => {
  it('serves its page and scripts with the console CSP; nothing else under /console/assets', async () => {
    const script = await fetch(`${t.host.url}/console/assets/main.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(script.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    for (const path of [
      '/console/assets/..%2F..%2Fpackage.json',
      '/console/assets/main.d.ts',
      '/console/assets/.tsbuildinfo',
      '/console/assets/nothing.js',
    ]) {
      const response = await fetch(`${t.host.url}${path}`);
      expect(response.status, path).toBe(404);
    }
  });
});

describe('the event stream', () => {
  it('needs a ticket from an admin key: none, a wrong one and a non-admin key are refused', async () => {
    expect((await post('/v1/admin/events/tickets', null)).status).toBe(401);
    expect((await post('/v1/admin/events/tickets', CLIENT)).status).toBe(403);
    const none = await get('/v1/admin/events', null);
    expect(none.status).toBe(401);
    expect((none.body as { code: string }).code).toBe('TOOLHOST_HTTP_UNAUTHORIZED');
    expect((await get('/v1/admin/events?ticket=made-up', null)).status).toBe(401);
    // The key itself is no ticket.
    expect((await get(`/v1/admin/events?ticket=${OPERATOR.key}`, null)).status).toBe(401);
  });

  it('streams plugin changes to the holder of a ticket, which works once', async () => {
    const issued = await post('/v1/admin/events/tickets', OPERATOR);
    expect(issued.status).toBe(201);
    const { ticket } = issued.body as { ticket: string; expiresAt: string };
    const stream = await fetch(`${t.host.url}/v1/admin/events?ticket=${ticket}`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reading = readEvents(stream, (events) =>
      events.some(
        (e) =>
          e.event === 'plugin' &&
          (e.data as { status: { state: string } | null }).status?.state === 'disabled',
      ),
    );
    // The second use of the same ticket is refused while the first stream is open.
    expect((await get(`/v1/admin/events?ticket=${ticket}`, null)).status).toBe(401);
    expect((await post('/v1/admin/plugins/memory/disable', OPERATOR)).status).toBe(200);
    const events = await reading;
    expect(events[0]).toEqual({ event: 'ready', data: { owner: 'operator' } });
    const last = events.at(-1)?.data as { plugin: string; status: { tools: string[] } };
    expect(last.plugin).toBe('memory');
    expect(last.status.tools).toEqual([]);
    expect((await post('/v1/admin/plugins/memory/enable', OPERATOR)).status).toBe(200);
  });
});

describe('the console admin routes', () => {
  it('a trial call answers with the ToolResult and its call record, and counts in the stats', async () => {
    const call = await post('/v1/admin/tools/rag.search/invoke', OPERATOR, {
      input: { query: 'refund' },
    });
    expect(call.status).toBe(200);
    const { result, record } = call.body as {
      result: { success: boolean };
      record: { attempts: number; outcome: string; errorCode: null; durationMs: number };
    };
    expect(result.success).toBe(true);
    expect(record).toMatchObject({ outcome: 'success', attempts: 1, errorCode: null });
    const bad = await post('/v1/admin/tools/rag.search/invoke', OPERATOR, { input: {} });
    expect((bad.body as { record: { errorCode: string } }).record.errorCode).toBe('invalid_input');

    const stats = await get('/v1/admin/tools/stats');
    const search = (
      stats.body as { tools: Array<{ tool: string; calls: number[]; failures: number[] }> }
    ).tools.find((tool) => tool.tool === 'rag.search');
    // Summed over the hour: a minute may turn between the calls.
    const total = (counts: number[] = []) => counts.reduce((a, b) => a + b, 0);
    expect(total(search?.calls)).toBe(2);
    expect(total(search?.failures)).toBe(1);
  });

  it('a trial call of an unknown tool, or without input, is a coded error; a tools key may not use it', async () => {
    const unknown = await post('/v1/admin/tools/nope.nothing/invoke', OPERATOR, { input: {} });
    expect(unknown.status).toBe(404);
    expect((unknown.body as { code: string }).code).toBe('TOOLHOST_HTTP_TOOL_UNKNOWN');
    const noInput = await post('/v1/admin/tools/rag.search/invoke', OPERATOR, {});
    expect((noInput.body as { code: string }).code).toBe('TOOLHOST_HTTP_INVALID_BODY');
    expect(
      (await post('/v1/admin/tools/rag.search/invoke', CLIENT, { input: { query: 'x' } })).status,
    ).toBe(403);
  });

  it('the manifest viewer shows a valid manifest with its source and permissions', async () => {
    const { status, body } = await get('/v1/admin/plugins/rag/manifest');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      plugin: 'rag',
      errors: [],
      source: { kind: 'folder', path: 'rag' },
      permissions: { store: true },
    });
  });

  it('the manifest viewer puts a refused manifest’s error on its field', async () => {
    const { body } = await get('/v1/admin/plugins/broken/manifest');
    const view = body as {
      errors: Array<{ field: string | null; message: string }>;
      manifest: unknown;
    };
    expect(view.manifest).toMatchObject({ policy: { timeoutMs: 0 } });
    expect(view.errors).toEqual([
      { field: 'policy.timeoutMs', message: expect.stringContaining('>= 1') },
    ]);
    const unknown = await get('/v1/admin/plugins/nothing/manifest');
    expect((unknown.body as { code: string }).code).toBe('TOOLHOST_HTTP_PLUGIN_UNKNOWN');
  });

  it('reads any session’s context for an admin, 404 for none; payload keys are checked', async () => {
    expect((await get('/v1/admin/sessions/no-such-session')).status).toBe(404);
    const sent = await post('/v1/sessions/console-api-1/messages', OPERATOR, {
      text: 'hello there',
    });
    expect(sent.status).toBe(200);
    const context = await get('/v1/admin/sessions/console-api-1');
    expect(context.body).toMatchObject({ sessionId: 'console-api-1', messageCount: 1 });
    for (const key of ['../etc/passwd', 'a//b', '.hidden/x']) {
      const payload = await get(`/v1/admin/audit/payload?key=${encodeURIComponent(key)}`);
      expect((payload.body as { code: string }).code, key).toBe('TOOLHOST_HTTP_BAD_REQUEST');
    }
    expect((await get('/v1/admin/audit/payload?key=audit/none.json')).status).toBe(404);
  });
});

describe('stopping the host', () => {
  it('ends open event streams cleanly instead of cutting them when the grace runs out', async () => {
    const { ticket } = (await post('/v1/admin/events/tickets', OPERATOR)).body as {
      ticket: string;
    };
    const stream = await fetch(`${t.host.url}/v1/admin/events?ticket=${ticket}`);
    const reading = readEvents(stream, () => false);
    await t.stop();
    // A cut connection would reject the read ("terminated"); an ended stream just finishes.
    const events = await reading;
    expect(events.map((e) => e.event)).toEqual(['ready']);
  });
});
