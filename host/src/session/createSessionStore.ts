import { ToolhostError } from '@toolhost/plugin-sdk';
import type { Redis } from 'ioredis';
import type { Settings } from '../config/Settings.js';
import { InMemorySessionStore } from './InMemorySessionStore.js';
import { RedisSessionStore } from './RedisSessionStore.js';
import type { SessionStore } from './SessionStore.js';

/**
 * The store `USE_SHARED_CONTEXT` selects: in memory (this process only) or on the host's Redis
 * client, shared by every host process.
 * @throws ToolhostError `TOOLHOST_ERR_SETTINGS_INVALID` when shared context is on without REDIS_URL.
 * @throws Error when shared context is on but no Redis client was passed.
 */
export function createSessionStore(
  settings: Pick<Settings, 'useSharedContext' | 'redisUrl' | 'sessionTtlSeconds'>,
  redis: Redis | null,
): SessionStore {
  const ttlSeconds = settings.sessionTtlSeconds;
  if (!settings.useSharedContext) return new InMemorySessionStore({ ttlSeconds });
  if (settings.redisUrl === null) {
    throw new ToolhostError('TOOLHOST_ERR_SETTINGS_INVALID', {
      variable: 'USE_SHARED_CONTEXT',
      details: 'true needs REDIS_URL to be set',
    });
  }
  if (redis === null) {
    throw new Error(
      'createSessionStore: USE_SHARED_CONTEXT=true needs the Redis client for REDIS_URL, but none was passed',
    );
  }
  return new RedisSessionStore({ redis, ttlSeconds });
}
