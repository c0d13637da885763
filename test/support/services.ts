import { connect } from 'node:net';
import { describe, it } from 'vitest';

/** Where service-backed tests find PostgreSQL and Redis. */
export function postgresUrl(): string {
  return process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
}

export function redisUrl(): string {
  return process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
}

function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port), timeout: 1_000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

const required = process.env['TOOLHOST_REQUIRE_SERVICES'] === '1';
const available = {
  PostgreSQL: await reachable(postgresUrl()),
  Redis: await reachable(redisUrl()),
};

function describeWith(service: keyof typeof available, url: string) {
  return (name: string, fn: () => void): void => {
    if (available[service]) {
      describe(name, fn);
    } else if (required) {
      describe(name, () => {
        it(`needs ${service}`, () => {
          throw new Error(
            `${service} is unreachable at ${url} and TOOLHOST_REQUIRE_SERVICES=1 requires it`,
          );
        });
      });
    } else {
      console.warn(`!!! SKIPPED "${name}": ${service} is unreachable at ${url}`);
      describe.skip(`${name} (skipped: ${service} unreachable)`, fn);
    }
  };
}

/** `describe` that runs against real PostgreSQL, or skips loudly when it is unreachable. */
export const describeWithPostgres = describeWith('PostgreSQL', postgresUrl());

/** `describe` that runs against real Redis, or skips loudly when it is unreachable. */
export const describeWithRedis = describeWith('Redis', redisUrl());
