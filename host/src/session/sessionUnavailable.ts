import type { Redis } from 'ioredis';
import { HostError } from '../errors.js';

// Replies that mean "this server cannot serve you right now", as opposed to a bad command.
const UNAVAILABLE_REPLY =
  /^(LOADING|READONLY|BUSY|MASTERDOWN|OOM|TRYAGAIN|CLUSTERDOWN|NOREPLICAS|MISCONF|NOAUTH|WRONGPASS|NOPERM)\b/;

/**
 * True when a Redis call failed because Redis cannot be used now: the connection is down or
 * dropped, the command timed out, or the server refuses service. A `ReplyError` about the
 * command or the data (WRONGTYPE, a non-integer counter) is not an outage.
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'ReplyError') return UNAVAILABLE_REPLY.test(error.message);
  return true;
}

/** `TOOLHOST_ERR_SESSION_UNAVAILABLE` naming the Redis address (never its password) and the reason. */
export function sessionUnavailable(redis: Redis, error: unknown): HostError {
  const { host, port, path } = redis.options;
  const where = path ? `redis at ${path}` : `redis at ${host ?? 'localhost'}:${port ?? 6379}`;
  const reason = error instanceof Error ? error.message || error.name : String(error);
  return new HostError(
    'TOOLHOST_ERR_SESSION_UNAVAILABLE',
    { details: `${where}: ${reason}` },
    { cause: error },
  );
}
