import { describe, expect, it } from 'vitest';
import { createCapturingLogger } from '../../../test/support/capturingLogger.js';
import { isHostError } from '../errors.js';
import { createRedisClient } from './createRedisClient.js';

describe('createRedisClient', () => {
  it('refuses a Redis it cannot reach with a coded error naming it, never its password', async () => {
    const { logger } = createCapturingLogger();
    const error = await createRedisClient('redis://app:s3cret@127.0.0.1:1/2', logger).catch(
      (reason: unknown) => reason,
    );
    expect(isHostError(error) && error.code).toBe('TOOLHOST_ERR_REDIS_UNAVAILABLE');
    expect((error as Error).message).toMatch(
      /^Redis is unavailable: redis:\/\/127\.0\.0\.1:1\/2 cannot be reached \(.*ECONNREFUSED/,
    );
    expect((error as Error).message).not.toContain('s3cret');
  });
});
