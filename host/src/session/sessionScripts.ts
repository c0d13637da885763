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
    /** Creates a session for an owner or touches it; ['ok'], or ['not_owner']. */
    toolhostSessionClaim(
      hashKey: string,
      activeKey: string,
      sessionId: string,
      nowMs: number,
      ttlMs: number,
      owner: string,
      anonymousOwner: string,
    ): Result<[string], Context>;
    /** See SessionStore.beginTurn; ['started', hash] | ['completed', answer] | [status]. */
    toolhostSessionBegin(
      hashKey: string,
      activeKey: string,
      recordKey: string,
      sessionId: string,
      nowMs: number,
      ttlMs: number,
      owner: string,
      anonymousOwner: string,
      withClaim: '0' | '1',
      fingerprint: string,
      token: string,
      leaseMs: number,
    ): Result<[string, (string[] | string)?], Context>;
    /** See SessionStore.commitTurn; ['committed', hash] | ['not_owner']. */
    toolhostSessionCommit(
      hashKey: string,
      activeKey: string,
      recordKey: string,
      sessionId: string,
      nowMs: number,
      ttlMs: number,
      owner: string,
      anonymousOwner: string,
      withClaim: '0' | '1',
      fingerprint: string,
      answer: string,
      recordTtlMs: number,
      failed: '0' | '1',
      ...patchFieldsAndValues: string[]
    ): Result<[string, string[]?], Context>;
    /** Deletes an in-flight record when it is still this attempt's. */
    toolhostSessionRelease(recordKey: string, token: string): Result<number, Context>;
  }
}

// KEYS[1] session hash, KEYS[2] activity sorted set; ARGV[1] session id, ARGV[2] now (ms), ARGV[3] TTL (ms).
const TOUCH_STEPS = `
redis.call('HSETNX', KEYS[1], 'createdAt', ARGV[2])
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])`;
const TOUCH = `${TOUCH_STEPS}
return redis.call('HGETALL', KEYS[1])`;

// ARGV[4] 'patch' | 'replace', ARGV[5..] field, value, field, value, ...
// A replacement keeps the session's owner.
const WRITE = `
if ARGV[4] == 'replace' then
  local owner = redis.call('HGET', KEYS[1], 'owner')
  redis.call('DEL', KEYS[1])
  if owner then redis.call('HSET', KEYS[1], 'owner', owner) end
end
if #ARGV > 4 then redis.call('HSET', KEYS[1], unpack(ARGV, 5)) end
${TOUCH}`;

// ARGV[4] counter field, ARGV[5] amount. HINCRBY runs first: if it fails, nothing was written.
const INCREMENT = `
redis.call('HINCRBY', KEYS[1], ARGV[4], ARGV[5])
${TOUCH}`;

// The owner is the hash's 'owner' field; a session written without one is ARGV[5]'s
// (the anonymous owner). ARGV[4] is the caller.
const OWNER_CHECK = `
local owner = redis.call('HGET', KEYS[1], 'owner')
if not owner and redis.call('EXISTS', KEYS[1]) == 1 then owner = ARGV[5] end
if owner and owner ~= ARGV[4] then return {'not_owner'} end`;

// KEYS[1] hash, KEYS[2] activity; ARGV[1..3] as TOUCH, ARGV[4] owner, ARGV[5] anonymous owner.
const CLAIM = `
${OWNER_CHECK}
redis.call('HSETNX', KEYS[1], 'owner', ARGV[4])
${TOUCH_STEPS}
return {'ok'}`;

// The turn scripts: KEYS[1] hash, KEYS[2] activity, KEYS[3] idempotency record (the hash
// again when there is none). ARGV[1..5] as above, then withClaim, fingerprint, token, leaseMs.
const BEGIN = `
${OWNER_CHECK}
if ARGV[6] == '1' then
  local record = redis.call('HMGET', KEYS[3], 'state', 'fingerprint', 'answer')
  if record[1] then
    if record[2] ~= ARGV[7] then return {'key_reused'} end
    if record[1] == 'done' then return {'completed', record[3]} end
    return {'in_flight'}
  end
  redis.call('HSET', KEYS[3], 'state', 'in_flight', 'fingerprint', ARGV[7], 'token', ARGV[8])
  redis.call('PEXPIRE', KEYS[3], ARGV[9])
end
redis.call('HSETNX', KEYS[1], 'owner', ARGV[4])
${TOUCH_STEPS}
return {'started', redis.call('HGETALL', KEYS[1])}`;

// ARGV[6..10]: withClaim, fingerprint, answer, recordTtlMs, failed; then the patch's
// field/value pairs. The HINCRBYs run first: if one fails on a corrupt
// counter, nothing else was written.
const COMMIT = `
${OWNER_CHECK}
redis.call('HINCRBY', KEYS[1], 'messageCount', 1)
if ARGV[10] == '1' then redis.call('HINCRBY', KEYS[1], 'failureCount', 1) end
if #ARGV > 10 then redis.call('HSET', KEYS[1], unpack(ARGV, 11)) end
redis.call('HSETNX', KEYS[1], 'owner', ARGV[4])
if ARGV[6] == '1' then
  redis.call('DEL', KEYS[3])
  redis.call('HSET', KEYS[3], 'state', 'done', 'fingerprint', ARGV[7], 'answer', ARGV[8])
  redis.call('PEXPIRE', KEYS[3], ARGV[9])
end
${TOUCH_STEPS}
return {'committed', redis.call('HGETALL', KEYS[1])}`;

const RELEASE = `
local record = redis.call('HMGET', KEYS[1], 'state', 'token')
if record[1] == 'in_flight' and record[2] == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

/**
 * Defines the session scripts on a client (idempotent). Each runs as one unit inside Redis,
 * so a write lands whole or not at all, whatever happens to the connection.
 */
export function defineSessionScripts(redis: Redis): void {
  redis.defineCommand('toolhostSessionWrite', { numberOfKeys: 2, lua: WRITE });
  redis.defineCommand('toolhostSessionIncrement', { numberOfKeys: 2, lua: INCREMENT });
  redis.defineCommand('toolhostSessionClaim', { numberOfKeys: 2, lua: CLAIM });
  redis.defineCommand('toolhostSessionBegin', { numberOfKeys: 3, lua: BEGIN });
  redis.defineCommand('toolhostSessionCommit', { numberOfKeys: 3, lua: COMMIT });
  redis.defineCommand('toolhostSessionRelease', { numberOfKeys: 1, lua: RELEASE });
}
