import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import winston from 'winston';
import { ANONYMOUS_PRINCIPAL, type Principal } from '../auth/Principal.js';
import { createInMemoryTracing } from '../telemetry/createInMemoryTracing.js';
import { McpSessions } from './McpSessions.js';

const logger = winston.createLogger({ silent: true });
const alice: Principal = { ...ANONYMOUS_PRINCIPAL, name: 'alice' };
const bob: Principal = { ...ANONYMOUS_PRINCIPAL, name: 'bob' };

function sessions(perKey = 2, idleMs = 60_000): McpSessions {
  return new McpSessions({
    tools: { list: () => [], get: () => undefined, onChange: () => () => undefined },
    invoker: { invoke: () => Promise.reject(new Error('not called')) },
    tracer: createInMemoryTracing().tracer,
    logger,
    settings: { idleMs, perKey },
  });
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('McpSessions', () => {
  it('a session belongs to the key that opened it', async () => {
    const table = sessions();
    const session = await table.open(alice);
    expect(session).not.toBeNull();
    expect(table.find(session!.id, 'alice')).toBe(session);
    expect(table.find(session!.id, 'bob')).toBeNull();
    expect(table.find('no-such-id', 'alice')).toBeNull();
  });

  it('caps the sessions of one key, not of the others', async () => {
    const table = sessions(2);
    const first = await table.open(alice);
    expect(await table.open(alice)).not.toBeNull();
    expect(await table.open(alice)).toBeNull();
    expect(await table.open(bob)).not.toBeNull();
    await table.end(first!.id, 'test');
    expect(await table.open(alice)).not.toBeNull();
  });

  it('closes a session left idle; each request starts its idle time again', async () => {
    const table = sessions(2, 60_000);
    const busy = (await table.open(alice))!;
    const idle = (await table.open(bob))!;
    await vi.advanceTimersByTimeAsync(40_000);
    expect(table.find(busy.id, 'alice')).toBe(busy);
    await vi.advanceTimersByTimeAsync(40_000);
    expect(table.find(idle.id, 'bob')).toBeNull();
    expect(table.find(busy.id, 'alice')).toBe(busy);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(table.find(busy.id, 'alice')).toBeNull();
    expect(table.size).toBe(0);
  });

  it('opens nothing once closed', async () => {
    const table = sessions();
    await table.open(alice);
    await table.close();
    expect(table.size).toBe(0);
    expect(await table.open(alice)).toBeNull();
  });
});
