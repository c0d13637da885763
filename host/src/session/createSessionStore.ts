import type { Redis } from 'ioredis';
import type { Settings } from '../config/Settings.js';
import { HostError } from '../errors.js';
import { InMemorySessionStore } from './InMemorySessionStore.js';
import { RedisSessionStore } from './RedisSessionStore.js';
import type { SessionStore } from './SessionStore.js';

/**
 * The store `USE_SHARED_CONTEXT` selects: in memory (this process only) or on the host's Redis
 * client (the one for REDIS_URL), shared by every host process.
 * @throws HostError `TOOLHOST_ERR_SETTINGS_INVALID` when shared context is on without a Redis
 * client, that is without REDIS_URL.
 */
export function createSessionStore(
  settings: Pick<Settings, 'useSharedContext' | 'sessionTtlSeconds'> &
    Partial<Pick<Settings, 'idempotencyTtlSeconds'>>,
  redis: Redis | null,
): SessionStore {
  const ttlSeconds = settings.sessionTtlSeconds;
  const idempotency =
    settings.idempotencyTtlSeconds === undefined
      ? {}
      : { idempotencyTtlSeconds: settings.idempotencyTtlSeconds };
  if (!settings.useSharedContext) return new InMemorySessionStore({ ttlSeconds, ...idempotency });
  if (redis === null) {
    throw new HostError('TOOLHOST_ERR_SETTINGS_INVALID', {
      variable: 'USE_SHARED_CONTEXT',
      details: 'true needs REDIS_URL to be set',
    });
  }
  return new RedisSessionStore({ redis, ttlSeconds, ...idempotency });
}
