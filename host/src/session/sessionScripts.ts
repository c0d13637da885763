import type { Redis, Result } from 'ioredis';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** Patch or replace a session hash; returns HGETALL as a flat list. */
    toolhostSessionWrite(
      hashKey: string,
      activeKey: string,
      sessionId: string,
      nowMs: number,
      ttlMs: number,
      mode: 'patch' | 'replace',
      ...fieldsAndValues: string[]
    ): Result<string[], Context>;
    /** HINCRBY a counter of a session hash; returns HGETALL as a flat list. */
    toolhostSessionIncrement(
      hashKey: string,
      activeKey: string,
      sessionId: string,
      nowMs: number,
      ttlMs: number,
      field: string,
      by: number,
    ): Result<string[], Context>;
  }
}

// KEYS[1] session hash, KEYS[2] activity sorted set; ARGV[1] session id, ARGV[2] now (ms), ARGV[3] TTL (ms).
const TOUCH = `
redis.call('HSETNX', KEYS[1], 'createdAt', ARGV[2])
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return redis.call('HGETALL', KEYS[1])`;

// ARGV[4] 'patch' | 'replace', ARGV[5..] field, value, field, value, ...
const WRITE = `
if ARGV[4] == 'replace' then redis.call('DEL', KEYS[1]) end
if #ARGV > 4 then redis.call('HSET', KEYS[1], unpack(ARGV, 5)) end
${TOUCH}`;

// ARGV[4] counter field, ARGV[5] amount. HINCRBY runs first: if it fails, nothing was written.
const INCREMENT = `
redis.call('HINCRBY', KEYS[1], ARGV[4], ARGV[5])
${TOUCH}`;

/**
 * Defines the session scripts on a client (idempotent). Each runs as one unit inside Redis,
 * so a write lands whole or not at all, whatever happens to the connection.
 */
export function defineSessionScripts(redis: Redis): void {
  redis.defineCommand('toolhostSessionWrite', { numberOfKeys: 2, lua: WRITE });
  redis.defineCommand('toolhostSessionIncrement', { numberOfKeys: 2, lua: INCREMENT });
}
