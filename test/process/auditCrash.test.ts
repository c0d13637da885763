import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../host/src/db/Database.js';
import { openDatabase } from '../../host/src/db/openDatabase.js';
import { createScratchPostgres } from '../../host/src/db/testing/createScratchPostgres.js';
import type { ScratchDatabase } from '../../host/src/db/testing/ScratchDatabase.js';
import { startTcpProxy, type TcpProxy } from '../../host/src/session/testing/startTcpProxy.js';
import { builtinHostEnv } from '../support/builtinPlugins.js';
import { startHostProcess, type HostProcess } from '../support/hostProcess.js';
import { describeWithPostgres, postgresUrl } from '../support/services.js';

const BURST = 400;
const CONCURRENCY = 24;
const KILL_AFTER_ANSWERS = 150;

function hostEnv(root: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...builtinHostEnv(root),
    TOOLHOST_WATCH_MANIFESTS: 'false',
    AUDIT_WRITE_MODE: 'async',
    ...extra,
  };
}

/**
 * Sends BURST messages from CONCURRENCY concurrent clients, each message with its own
 * X-Request-Id, and SIGKILLs the host once KILL_AFTER_ANSWERS were answered, so the kill lands
 * while messages are in flight and the flusher is busy. Resolves to the ids that got a 200,
 * and all ids sent.
 */
async function burstAndKill(host: HostProcess): Promise<{ answered: string[]; sent: string[] }> {
  const run = randomUUID().slice(0, 8);
  const sent = Array.from({ length: BURST }, (_, i) => `crash-${run}-${i}`);
  const answered: string[] = [];
  let killed: Promise<number | null> | null = null;
  let next = 0;
  async function client(): Promise<void> {
    while (next < BURST && host.child.exitCode === null) {
      const i = next++;
      const requestId = sent[i]!;
      try {
        const response = await fetch(`${host.url}/v1/sessions/crash-${run}-${i % 30}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': requestId },
          body: JSON.stringify({ text: `How long does a refund take? (${i})` }),
        });
        await response.arrayBuffer();
        if (response.status !== 200) continue;
        answered.push(requestId);
        if (answered.length === KILL_AFTER_ANSWERS) killed = host.stop('SIGKILL');
      } catch {
        // The connection died with the host: this message was never answered.
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  await killed;
  return { answered, sent };
}

async function countByRequestId(database: Database): Promise<Map<string, number>> {
  const rows = await database.orm.em
    .getConnection()
    .execute<{ request_id: string; n: number | string }[]>(
      `select request_id, count(*) as n from message_audit where request_id like 'crash-%' group by request_id`,
    );
  return new Map(rows.map((row) => [row.request_id, Number(row.n)]));
}

const REPLAYED = /^audit journal replayed (\d+) rows in (\d+) ms$/;

/** Resolves once the restarted host's flusher has written what the killed one journaled. */
async function caughtUp(host: HostProcess): Promise<void> {
  await host.logLine((line) => line.message === 'audit journal caught up');
}

/** How many rows the restarted host's "replayed N rows in M ms" line counted. */
async function replayedRows(host: HostProcess): Promise<number> {
  const replayed = await host.logLine((line) => REPLAYED.test(String(line.message)));
  const [, rows, ms] = REPLAYED.exec(String(replayed.message)) ?? [];
  expect(replayed).toMatchObject({ level: 'info', rows: Number(rows), duration_ms: Number(ms) });
  return Number(rows);
}

/** Every answered message has exactly one row; no message has two; no row is for an id never sent. */
function expectExactlyOnce(
  counts: Map<string, number>,
  answered: readonly string[],
  sent: readonly string[],
): void {
  for (const id of answered) expect(counts.get(id), `rows of answered ${id}`).toBe(1);
  for (const [id, n] of counts) {
    expect(n, `rows of ${id}`).toBe(1);
    expect(sent).toContain(id);
  }
}

let root: string;
const hosts: HostProcess[] = [];
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'toolhost-audit-crash-'));
});
afterEach(async () => {
  for (const host of hosts.splice(0)) if (host.child.exitCode === null) await host.stop('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

async function start(env: Record<string, string>): Promise<HostProcess> {
  const host = await startHostProcess(env);
  hosts.push(host);
  // The CLI installs its SIGTERM handler just after the "listening" line; once the host has
  // answered a request, that handler is in place and SIGTERM means a graceful stop.
  expect((await fetch(`${host.url}/healthz`)).status).toBe(200);
  return host;
}

describe('a host process killed in a burst of messages (async audit, SQLite)', () => {
  it('ends with exactly one audit row per answered message after a restart', async () => {
    const env = hostEnv(root);
    const first = await start(env);
    const { answered, sent } = await burstAndKill(first);
    expect(answered.length).toBeGreaterThanOrEqual(KILL_AFTER_ANSWERS);
    expect(answered.length).toBeLessThan(BURST);
    const journal = join(env['TOOLHOST_DATA_DIR']!, 'audit-journal');
    // The killed host's lock is left behind, naming a process that is gone.
    expect(readFileSync(join(journal, 'journal.lock'), 'utf8')).toBe(String(first.child.pid));

    const second = await start(env);
    const database = await openDatabase(
      `sqlite:${join(env['TOOLHOST_DATA_DIR']!, 'toolhost.sqlite')}`,
      { migrate: false },
    );
    try {
      await caughtUp(second);
      expect(await second.stop('SIGTERM')).toBe(0);
      expectExactlyOnce(await countByRequestId(database), answered, sent);
    } finally {
      await database.close();
    }
    expect(existsSync(join(journal, 'journal.lock'))).toBe(false);
  });
});

describeWithPostgres(
  'a host process killed in a burst while PostgreSQL is unreachable (async audit)',
  () => {
    let scratch: ScratchDatabase;
    let proxy: TcpProxy;
    let direct: Database;

    beforeAll(async () => {
      scratch = await createScratchPostgres(postgresUrl());
      const target = new URL(postgresUrl());
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
      direct = await openDatabase(scratch.url);
    });
    afterAll(async () => {
      await direct?.close();
      await proxy?.stop();
      await scratch?.drop();
    });

    it('replays the journal once the database is back: one row per answered message', async () => {
      const url = new URL(scratch.url);
      url.port = String(proxy.port);
      const env = hostEnv(root, { DATABASE_URL: url.href });
      const first = await start(env);
      await proxy.stop();
      const { answered, sent } = await burstAndKill(first);
      expect(answered.length).toBeLessThan(BURST);
      // Nothing could reach the database: every answered row lives only in the journal.
      expect((await countByRequestId(direct)).size).toBe(0);

      await proxy.start();
      const second = await start(env);
      await caughtUp(second);
      // Every answered message was only in the journal, so the replay wrote each of them.
      const replayed = await replayedRows(second);
      expect(replayed).toBeGreaterThanOrEqual(answered.length);
      expect(replayed).toBeLessThanOrEqual(sent.length);
      expect(await second.stop('SIGTERM')).toBe(0);
      expectExactlyOnce(await countByRequestId(direct), answered, sent);
    });
  },
);
