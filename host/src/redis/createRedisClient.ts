import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'winston';
import { HostError } from '../errors.js';

/** The address of a Redis URL, fit for logs and errors: never its password. */
function describeRedis(url: string): string {
  try {
    const { protocol, host, pathname } = new URL(url);
    return `${protocol}//${host}${pathname === '/' ? '' : pathname}`;
  } catch {
    return 'the Redis of REDIS_URL';
  }
}

/**
 * A Redis client that fails fast while Redis is away (no offline queue, one retry per
 * command, a command timeout) and reconnects in the background when it returns.
 * @throws HostError `TOOLHOST_ERR_REDIS_UNAVAILABLE` when Redis cannot be reached now; the
 * client is closed, so nothing keeps reconnecting.
 */
export async function createRedisClient(url: string, logger: Logger): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // A command whose reply was lost may have run: never resend it (an increment would count twice).
    autoResendUnfulfilledCommands: false,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    retryStrategy: (times: number) => Math.min(times * 200, 2_000),
  } satisfies RedisOptions);
  let lastError = '';
  redis.on('error', (error: Error) => {
    if (error.message === lastError) return;
    lastError = error.message;
    logger.warn('redis connection error', { error: error.message });
  });
  redis.on('ready', () => {
    if (lastError) logger.info('redis connection restored');
    lastError = '';
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    const reason = lastError || (error instanceof Error ? error.message : String(error));
    throw new HostError(
      'TOOLHOST_ERR_REDIS_UNAVAILABLE',
      { details: `${describeRedis(url)} cannot be reached (${reason})` },
      { cause: error },
    );
  }
  return redis;
}

/** Closes a client whether or not it is connected right now. */
export async function closeRedisClient(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    await redis.quit().catch(() => redis.disconnect());
  } else {
    redis.disconnect();
  }
}
