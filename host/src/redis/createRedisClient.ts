import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'winston';

/**
 * A Redis client that fails fast while Redis is away (no offline queue, one retry per
 * command, a command timeout) and reconnects in the background when it returns.
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
  await redis.connect();
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
