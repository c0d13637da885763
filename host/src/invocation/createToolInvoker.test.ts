import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { fail, ok, ToolError } from '@toolhost/plugin-sdk';
import winston from 'winston';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCapturingLogger } from '../../../test/support/capturingLogger.js';
import { RuntimeFault } from './RuntimeFault.js';
import { invokerFixture, testTool, type InvokerFixture } from './testing/invokerFixture.js';
import { createToolInvoker } from './createToolInvoker.js';

const ids = { requestId: 'req-42', sessionId: 'sess-7' };
const SECRET_INPUT = 'customer-ssn-123-45-6789';
const SECRET_RESULT = 'card-4111-1111-1111-1111';

let fx: InvokerFixture;

beforeEach(() => {
  fx = invokerFixture();
});

afterEach(async () => {
  await fx.tracing.shutdown();
});

describe('failures become ToolResults', () => {
  it('keeps the code of a thrown ToolError', async () => {
    fx.add(
      testTool('crm.lookup', () => {
        throw new ToolError('not_found', 'no customer c-1');
      }),
    );

    const { result, record } = await fx.invoker.invoke('crm.lookup', {}, ids);

    expect(result).toEqual(fail('no customer c-1', 'not_found'));
    expect(record).toMatchObject({
      tool: 'crm.lookup',
      outcome: 'failure',
      errorCode: 'not_found',
    });
  });

  it('recognises a ToolError thrown by another copy of the SDK', async () => {
    // what `instanceof` cannot recognise: the brand is all the two copies share
    const foreign = Object.assign(new Error('origin http://evil.test is not granted'), {
      toolErrorCode: 'permission_denied',
      [Symbol.for('toolhost.tool-error')]: true,
    });
    fx.add(
      testTool('crm.lookup', () => {
        throw foreign;
      }),
    );

    const { result } = await fx.invoker.invoke('crm.lookup', {}, ids);

    expect(result).toEqual(fail('origin http://evil.test is not granted', 'permission_denied'));
  });

  it('answers any other thrown value as internal with a generic message, and logs its own', async () => {
    fx.add(
      testTool('crm.lookup', () => {
        throw new TypeError('connect ECONNREFUSED 10.0.0.7:5432 (user crm_admin)');
      }),
    );
    fx.add(
      testTool('crm.other', () => {
        throw 'a string';
      }),
    );

    expect((await fx.invoker.invoke('crm.lookup', {}, ids)).result).toEqual(
      fail("Tool 'crm.lookup' failed with an internal error", 'internal'),
    );
    expect((await fx.invoker.invoke('crm.other', {}, ids)).result).toEqual(
      fail("Tool 'crm.other' failed with an internal error", 'internal'),
    );
    expect(fx.lines.filter((l) => l.message === 'tool threw')).toEqual([
      expect.objectContaining({
        level: 'warn',
        tool_name: 'crm.lookup',
        request_id: ids.requestId,
        error_name: 'TypeError',
        error: 'connect ECONNREFUSED 10.0.0.7:5432 (user crm_admin)',
      }),
      expect.objectContaining({ tool_name: 'crm.other', error: 'a string' }),
    ]);
  });

  it('keeps the code and the message of a RuntimeFault: the host wrote it', async () => {
    fx.add(
      testTool('crm.lookup', () => {
        throw new RuntimeFault('crashed', "Plugin 'crm' ended: its worker ran out of memory");
      }),
    );

    expect((await fx.invoker.invoke('crm.lookup', {}, ids)).result).toEqual(
      fail("Plugin 'crm' ended: its worker ran out of memory", 'crashed'),
    );
    expect(fx.lines.some((l) => l.message === 'tool threw')).toBe(false);
  });

  it('answers not_found for a tool that is not registered, without a single attempt', async () => {
    const { result, record } = await fx.invoker.invoke('crm.missing', {}, ids);

    expect(result).toMatchObject({ success: false, errorCode: 'not_found' });
    expect(result.error).toContain("'crm.missing'");
    expect(record).toMatchObject({ outcome: 'failure', errorCode: 'not_found', attempts: 0 });
    expect(fx.invoker.circuitState('crm.missing')).toBe('closed');
  });

  it('never rejects, even when the runtime throws synchronously or the lookup throws', async () => {
    const tool = fx.add(testTool('crm.lookup', () => ok({})));
    (tool.runtime as { invoke: unknown }).invoke = () => {
      throw new Error('runtime is broken');
    };
    const broken = invokerFixture({
      lookup: () => {
        throw new Error('registry is broken');
      },
    });

    expect((await fx.invoker.invoke('crm.lookup', {}, ids)).result).toEqual(
      fail("Tool 'crm.lookup' failed with an internal error", 'internal'),
    );
    expect((await broken.invoker.invoke('crm.lookup', {}, ids)).result).toEqual(
      fail('registry is broken', 'internal'),
    );
    await broken.tracing.shutdown();
  });
  it('never rejects when the tracer or the logger throws', async () => {
    const tool = testTool('crm.lookup', () => ok({ fine: true }));
    const brokenTracer = {
      startSpan() {
        throw new Error('span processor exploded');
      },
    } as unknown as Tracer;
    const brokenLogger = winston.createLogger({
      level: 'debug',
      format: winston.format(() => {
        throw new Error('format exploded');
      })(),
      transports: [new winston.transports.Console({ silent: true })],
    });
    const invoker = createToolInvoker({
      lookup: () => tool,
      tracer: brokenTracer,
      logger: brokenLogger,
    });

    expect((await invoker.invoke('crm.lookup', {}, ids)).result).toEqual(ok({ fine: true }));
  });
});

describe('validation', () => {
  const inputSchema = {
    type: 'object',
    required: ['customerId'],
    additionalProperties: false,
    properties: { customerId: { type: 'string', minLength: 3 }, limit: { type: 'integer' } },
  };

  it('refuses invalid input with invalid_input naming the field, without reaching the tool', async () => {
    let calls = 0;
    fx.add(testTool('crm.lookup', () => (++calls, ok({})), { spec: { inputSchema } }));

    const missing = await fx.invoker.invoke('crm.lookup', { limit: 1 }, ids);
    const wrongType = await fx.invoker.invoke('crm.lookup', { customerId: 'c-1', limit: 'x' }, ids);

    expect(missing.result.errorCode).toBe('invalid_input');
    expect(missing.result.error).toContain('field "customerId" is required');
    expect(wrongType.result.error).toContain('field "limit" must be integer');
    expect(missing.record.attempts).toBe(0);
    expect(calls).toBe(0);
  });

  it('passes valid input through to the tool', async () => {
    fx.add(
      testTool('crm.lookup', (input) => ok({ id: input['customerId'] }), { spec: { inputSchema } }),
    );

    const { result, record } = await fx.invoker.invoke('crm.lookup', { customerId: 'c-1' }, ids);

    expect(result).toEqual(ok({ id: 'c-1' }));
    expect(record).toMatchObject({ outcome: 'success', errorCode: null, attempts: 1 });
  });

  it.each([
    ['a number', 42],
    ['nothing', undefined],
    ['a result without metadata', { success: true, data: {}, error: null }],
    ['a failure without a code', { success: false, data: {}, metadata: {}, error: 'x' }],
    [
      'an unknown error code',
      { success: false, data: {}, metadata: {}, error: 'x', errorCode: 'nope' },
    ],
  ])('answers invalid_output when the tool returns %s', async (_what, junk) => {
    fx.add(testTool('crm.lookup', () => junk));

    const { result } = await fx.invoker.invoke('crm.lookup', {}, ids);

    expect(result.errorCode).toBe('invalid_output');
    expect(result.error).toContain("Tool 'crm.lookup' answered an invalid ToolResult");
  });

  it('checks data against the outputSchema on success, naming the field', async () => {
    const outputSchema = {
      type: 'object',
      required: ['total'],
      properties: { total: { type: 'number' } },
    };
    fx.add(testTool('billing.total', () => ok({ total: 'twelve' }), { spec: { outputSchema } }));
    fx.add(
      testTool('billing.fails', () => fail('down', 'upstream_error'), { spec: { outputSchema } }),
    );

    const bad = await fx.invoker.invoke('billing.total', {}, ids);
    const failure = await fx.invoker.invoke('billing.fails', {}, ids);

    expect(bad.result.errorCode).toBe('invalid_output');
    expect(bad.result.error).toContain('field "total" must be number');
    expect(failure.result.errorCode).toBe('upstream_error');
  });

  it('validates against the schemas of the reloaded tool, not the old ones', async () => {
    const v1 = { inputSchema: { type: 'object', required: ['customerId'] } };
    const v2 = { inputSchema: { type: 'object', required: ['email'] } };
    fx.add(testTool('crm.lookup', () => ok({}), { spec: v1 }));
    expect((await fx.invoker.invoke('crm.lookup', { email: 'a@b.c' }, ids)).result.errorCode).toBe(
      'invalid_input',
    );

    fx.add(testTool('crm.lookup', () => ok({}), { spec: v2 }));

    expect((await fx.invoker.invoke('crm.lookup', { email: 'a@b.c' }, ids)).result.success).toBe(
      true,
    );
  });

  it('fails every call of a tool whose inputSchema does not compile', async () => {
    fx.add(
      testTool('crm.lookup', () => ok({}), { spec: { inputSchema: { type: 'no-such-type' } } }),
    );

    const { result } = await fx.invoker.invoke('crm.lookup', {}, ids);

    expect(result.errorCode).toBe('invalid_input');
    expect(result.error).toContain('inputSchema does not compile');
  });
});

describe('call context', () => {
  it('hands the tool the ids, attempt 1 and a logger that adds request_id, session_id and tool_name', async () => {
    fx.add(
      testTool('memory.recall', (_input, call) => {
        call.logger.info('looking in memory', { hits: 2 });
        return ok({ requestId: call.requestId, sessionId: call.sessionId, attempt: call.attempt });
      }),
    );

    const { result } = await fx.invoker.invoke('memory.recall', {}, ids);

    expect(result.data).toEqual({ requestId: 'req-42', sessionId: 'sess-7', attempt: 1 });
    expect(fx.lines.find((line) => line.message === 'looking in memory')).toMatchObject({
      level: 'info',
      hits: 2,
      request_id: 'req-42',
      session_id: 'sess-7',
      tool_name: 'memory.recall',
    });
  });
});

describe('telemetry', () => {
  it('records one span `execute_tool {name}` with the GenAI attributes, and no arguments or results', async () => {
    fx.add(testTool('crm.lookup', () => ok({ card: SECRET_RESULT })));

    await fx.invoker.invoke('crm.lookup', { ssn: SECRET_INPUT }, ids);

    const spans = fx.tracing.exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    const [span] = spans;
    expect(span!.name).toBe('execute_tool crm.lookup');
    expect(span!.kind).toBe(SpanKind.INTERNAL);
    expect(span!.attributes).toEqual({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'crm.lookup',
      'gen_ai.tool.call.id': expect.stringMatching(/^[0-9a-f-]{36}$/),
      'gen_ai.tool.type': 'extension',
      request_id: 'req-42',
      session_id: 'sess-7',
      tool_name: 'crm.lookup',
      'toolhost.attempts': 1,
      'toolhost.outcome': 'success',
    });
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    const everything = JSON.stringify([span!.attributes, span!.events, span!.status]);
    expect(everything).not.toContain(SECRET_INPUT);
    expect(everything).not.toContain(SECRET_RESULT);
  });

  it('marks a failed call with error.type and an ERROR status', async () => {
    fx.add(testTool('crm.lookup', () => fail(`upstream said ${SECRET_RESULT}`, 'upstream_error')));

    await fx.invoker.invoke('crm.lookup', {}, { requestId: 'req-1', sessionId: null });

    const [span] = fx.tracing.exporter.getFinishedSpans();
    expect(span!.attributes).toMatchObject({
      'toolhost.outcome': 'failure',
      'error.type': 'upstream_error',
    });
    expect(span!.attributes).not.toHaveProperty('session_id');
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'upstream_error' });
    expect(JSON.stringify(span!.status)).not.toContain(SECRET_RESULT);
  });

  it('is a child of the active span, and the tool runs inside the call span', async () => {
    let toolSpanId: string | undefined;
    fx.add(
      testTool('crm.lookup', async () => {
        await Promise.resolve();
        toolSpanId = trace.getActiveSpan()?.spanContext().spanId;
        return ok({});
      }),
    );
    const parent = fx.tracing.tracer.startSpan('POST /v1/sessions/:id/messages');

    await context.with(trace.setSpan(context.active(), parent), () =>
      fx.invoker.invoke('crm.lookup', {}, ids),
    );
    parent.end();

    const call = fx.tracing.exporter
      .getFinishedSpans()
      .find((s) => s.name === 'execute_tool crm.lookup');
    expect(call!.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(call!.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(toolSpanId).toBe(call!.spanContext().spanId);
  });

  it('logs a debug line before and after, with the ids and never the input or result', async () => {
    fx.add(testTool('crm.lookup', () => ok({ card: SECRET_RESULT })));

    await fx.invoker.invoke('crm.lookup', { ssn: SECRET_INPUT }, ids);

    expect(fx.lines).toEqual([
      expect.objectContaining({
        level: 'debug',
        message: 'tool call started',
        request_id: 'req-42',
        session_id: 'sess-7',
        tool_name: 'crm.lookup',
      }),
      expect.objectContaining({
        level: 'debug',
        message: 'tool call finished',
        request_id: 'req-42',
        session_id: 'sess-7',
        tool_name: 'crm.lookup',
        outcome: 'success',
        error_code: null,
        attempts: 1,
        duration_ms: expect.any(Number),
      }),
    ]);
    for (const line of fx.rawLines) {
      expect(line).not.toContain(SECRET_INPUT);
      expect(line).not.toContain(SECRET_RESULT);
    }
  });

  it('logs the error code of a failed call', async () => {
    fx.add(testTool('crm.lookup', () => fail(`no ${SECRET_INPUT}`, 'not_found')));

    await fx.invoker.invoke('crm.lookup', {}, ids);

    expect(fx.lines.at(-1)).toMatchObject({ outcome: 'failure', error_code: 'not_found' });
    expect(fx.rawLines.join('\n')).not.toContain(SECRET_INPUT);
  });

  it('logs through any winston logger, not only the host’s own', async () => {
    const { logger, lines } = createCapturingLogger('debug');
    const tool = testTool('crm.lookup', () => ok({}));
    const invoker = createToolInvoker({ lookup: () => tool, tracer: fx.tracing.tracer, logger });

    await invoker.invoke('crm.lookup', {}, ids);
    await new Promise((resolve) => setImmediate(resolve));

    expect(lines).toEqual([
      expect.objectContaining({ message: 'tool call started', tool_name: 'crm.lookup' }),
      expect.objectContaining({ message: 'tool call finished', tool_name: 'crm.lookup' }),
    ]);
  });

  it('writes no per-call line at the default level, info', async () => {
    const { logger, lines } = createCapturingLogger('info');
    const tool = testTool('crm.lookup', () => ok({}));
    const invoker = createToolInvoker({ lookup: () => tool, tracer: fx.tracing.tracer, logger });

    await invoker.invoke('crm.lookup', {}, ids);
    await new Promise((resolve) => setImmediate(resolve));

    expect(lines).toEqual([]);
  });
});
