import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createS3BlobStore } from '../host/src/audit/createS3BlobStore.js';
import type { Database } from '../host/src/db/Database.js';
import { openDatabase } from '../host/src/db/openDatabase.js';
import type { ReceivedSpan } from '../host/src/telemetry/startOtlpReceiver.js';
import {
  describeWithPostgres,
  describeWithRedis,
  postgresUrl,
  redisUrl,
} from './support/services.js';

const MAIN = fileURLToPath(new URL('../stack/main.mjs', import.meta.url));
const CALLER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';

interface StackInfo {
  hosts: [string, string];
  postgres: string;
  otlp: string;
  s3: { endpoint: string; bucket: string; prefix: string };
  adminToken: string;
  clientKey: string;
}

let child: ChildProcess;
let output = '';
let info: StackInfo;

describeWithPostgres('npm run stack', () => {
  describeWithRedis('(with Redis)', () => {
    beforeAll(async () => {
      child = spawn(process.execPath, [MAIN], {
        env: {
          ...process.env,
          STACK_DATABASE_URL: postgresUrl(),
          STACK_REDIS_URL: redisUrl(),
          AUDIT_INLINE_MAX_BYTES: '1024',
          // Its sessions stay in the shared Redis only briefly.
          SESSION_TTL_SECONDS: '120',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      info = await new Promise<StackInfo>((resolve, reject) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const line = output.split('\n').find((l) => l.startsWith('stack ready '));
          if (line !== undefined)
            resolve(JSON.parse(line.slice('stack ready '.length)) as StackInfo);
        });
        child.once('exit', (code) =>
          reject(new Error(`the stack exited with ${code}:\n${output}`)),
        );
      });
    }, 60_000);
    afterAll(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    });

    it('prints where each part listens', () => {
      for (const part of ['host A', 'host B', 'PostgreSQL', 'Redis', 'registry', 'OTLP', 'S3']) {
        expect(output).toMatch(new RegExp(`^  ${part} +\\S+`, 'm'));
      }
      expect(info.postgres).toMatch(/\/toolhost_stack_[0-9a-f]{12}$/);
    });

    it('carries one message end to end: A answers, B sees the session, PostgreSQL the row, S3 the payload, the receiver the spans', async () => {
      const [a, b] = info.hosts;
      // Redis is shared with other runs: a session id of this run's own.
      const sessionId = `stack-e2e-${randomUUID()}`;
      const client = { authorization: `Bearer ${info.clientKey}` };
      const text = `Where is my order? It has been weeks. ${'Please look into it. '.repeat(60)}`;
      const answer = await fetch(`${a}/v1/sessions/${sessionId}/messages`, {
        method: 'POST',
        headers: {
          ...client,
          'content-type': 'application/json',
          traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`,
        },
        body: JSON.stringify({ text }),
      });
      expect(answer.status).toBe(200);
      const reply = (await answer.json()) as { reply: string };

      const session = await fetch(`${b}/v1/sessions/${sessionId}`, { headers: client });
      expect(session.status).toBe(200);
      expect(await session.json()).toMatchObject({ sessionId, messageCount: 1 });

      let database: Database | null = null;
      let rows: Array<{ trace_id: string; raw_payload_key: string | null }>;
      try {
        database = await openDatabase(info.postgres, { migrate: false });
        rows = await database.orm.em
          .getConnection()
          .execute(
            `select trace_id, raw_payload_key from message_audit where session_id like '%${sessionId}'`,
          );
      } finally {
        await database?.close();
      }
      expect(rows).toHaveLength(1);
      expect(rows[0]?.trace_id).toBe(CALLER_TRACE);
      const key = rows[0]?.raw_payload_key ?? '';
      expect(key).toMatch(/^audit\//);

      const blobs = createS3BlobStore({
        ...info.s3,
        region: null,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      });
      const payload = JSON.parse((await blobs.get(key))?.toString('utf8') ?? 'null') as {
        response: { reply: string };
      };
      blobs.close();
      expect(payload.response.reply).toBe(reply.reply);

      // Waits in the receiver until the agent span and the two tool spans have arrived.
      const received = await fetch(`${info.otlp}/v1/spans?traceId=${CALLER_TRACE}&min=3`);
      const { spans } = (await received.json()) as { spans: ReceivedSpan[] };
      const agent = spans.find((s) => s.name === 'agent.process_message');
      expect(agent?.parentSpanId).toBe(CALLER_SPAN);
      expect(spans.filter((s) => s.name.startsWith('execute_tool ')).length).toBeGreaterThanOrEqual(
        2,
      );
    });

    it('stops cleanly on SIGINT and drops its database', async () => {
      child.kill('SIGINT');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code, output).toBe(0);
      expect(output).toContain('stack: stopped');
      const admin = await openDatabase(postgresUrl(), { migrate: false });
      try {
        const name = new URL(info.postgres).pathname.slice(1);
        const left = await admin.orm.em
          .getConnection()
          .execute<{ n: string | number }[]>(
            `select count(*) as n from pg_database where datname = '${name}'`,
          );
        expect(Number(left[0]?.n)).toBe(0);
      } finally {
        await admin.close();
      }
    });
  });
});
