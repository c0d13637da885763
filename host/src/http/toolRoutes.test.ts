import { fail } from '@toolhost/plugin-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProblemDocument } from './problem.js';
import { jsonPost, startTestApp, TOOL, type TestApp } from './testing/startTestApp.js';

const INVOKE = '/v1/tools/crm.lookup_customer/invoke';

let app: TestApp;
beforeEach(async () => {
  app = await startTestApp();
});
afterEach(() => app.close());

describe('tool routes', () => {
  it('GET /v1/tools lists the registered tools, and the failed plugins with why', async () => {
    const res = await app.fetch('/v1/tools');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ tools: [TOOL], failed: [] });
  });

  it('invoke passes input, request id and session id through and answers the ToolResult', async () => {
    const res = await app.fetch(
      INVOKE,
      jsonPost(
        { input: { customerId: 'c-1' } },
        { 'x-request-id': 'r-1', 'x-session-id': 'sess:9' },
      ),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      success: true,
      data: { echoed: { customerId: 'c-1' } },
      metadata: {},
      error: null,
    });
    expect(app.invoker.calls).toEqual([
      {
        tool: 'crm.lookup_customer',
        input: { customerId: 'c-1' },
        options: { requestId: 'r-1', sessionId: 'sess:9' },
      },
    ]);
  });

  it('invoke without X-Session-Id passes a null session', async () => {
    await app.fetch(INVOKE, jsonPost({ input: {} }));
    expect(app.invoker.calls[0]?.options.sessionId).toBeNull();
  });

  it('answers 200 with a failed ToolResult', async () => {
    app.invoker.answer = async () => fail('upstream down', 'upstream_error');
    const res = await app.fetch(INVOKE, jsonPost({ input: {} }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      success: false,
      errorCode: 'upstream_error',
      error: 'upstream down',
    });
  });

  it.each([
    [{}, 'field "input" is required'],
    [{ input: 'text' }, 'field "input" must be object'],
    [{ input: [1] }, 'field "input" must be object'],
    [{ input: {}, extra: true }, 'field "extra" is not allowed'],
    [[], 'field "(root)" must be object'],
  ])('answers 400 TOOLHOST_HTTP_INVALID_BODY for %j', async (body, detail) => {
    const res = await app.fetch(INVOKE, jsonPost(body));
    expect(res.status).toBe(400);
    const problem = (await res.json()) as ProblemDocument;
    expect(problem.code).toBe('TOOLHOST_HTTP_INVALID_BODY');
    expect(problem.detail).toContain(detail);
    expect(app.invoker.calls).toHaveLength(0);
  });

  it('answers 404 TOOLHOST_HTTP_TOOL_UNKNOWN for a tool that is not registered', async () => {
    const res = await app.fetch('/v1/tools/crm.nope/invoke', jsonPost({ input: {} }));
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      code: 'TOOLHOST_HTTP_TOOL_UNKNOWN',
      detail: "no tool named 'crm.nope' is registered",
    });
    expect(app.invoker.calls).toHaveLength(0);
  });

  it('answers 400 TOOLHOST_HTTP_INVALID_HEADER for a malformed X-Session-Id', async () => {
    const res = await app.fetch(
      INVOKE,
      jsonPost({ input: {} }, { 'x-session-id': 'no spaces allowed' }),
    );
    expect(res.status).toBe(400);
    const problem = (await res.json()) as ProblemDocument;
    expect(problem.code).toBe('TOOLHOST_HTTP_INVALID_HEADER');
    expect(problem.detail).toContain('X-Session-Id');
    expect(app.invoker.calls).toHaveLength(0);
  });
});
