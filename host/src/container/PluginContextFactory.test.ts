import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definePlugin, BaseTool, type PluginContext } from '@toolhost/plugin-sdk';
import { createCapturingLogger } from '../../../test/support/capturingLogger.js';
import { describeWithRedis, redisUrl } from '../../../test/support/services.js';
import type { CacheBackend } from '../cache/CacheBackend.js';
import { createMemoryCacheBackend } from '../cache/createMemoryCacheBackend.js';
import { createRedisCacheBackend } from '../cache/createRedisCacheBackend.js';
import type { Database } from '../db/Database.js';
import { openDatabase } from '../db/openDatabase.js';
import type { Manifest } from '../manifests/Manifest.js';
import { closeRedisClient, createRedisClient } from '../redis/createRedisClient.js';
import { createPluginContainer } from './createPluginContainer.js';
import { createRootContainer } from './createRootContainer.js';
import { PluginContextFactory } from './PluginContextFactory.js';
import { PLUGIN, ROOT } from './tokens.js';

const plugin = definePlugin({
  name: 'probe',
  configSchema: {
    type: 'object',
    required: ['baseUrl'],
    properties: { baseUrl: { type: 'string' }, retries: { type: 'integer', default: 2 } },
  },
  tools: { noop: { description: 'x', inputSchema: { type: 'object' } } },
  create: (ctx) =>
    new (class extends BaseTool {
      async noop() {
        return { success: true, data: {}, metadata: {}, error: null };
      }
    })(ctx),
});

const dataDir = mkdtempSync(join(tmpdir(), 'toolhost-ctx-'));
let database: Database;
let server: Server;
let origin: string;
let hits = 0;

beforeAll(async () => {
  database = await openDatabase(`sqlite:${join(dataDir, 'db.sqlite')}`);
  server = createServer((_req, res) => {
    hits += 1;
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await database.close();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dataDir, { recursive: true, force: true });
});

function contextFor(
  manifest: Manifest,
  cache: CacheBackend,
  env: Record<string, string> = {},
): PluginContext {
  const root = createRootContainer({
    logger: createCapturingLogger().logger,
    database,
    cache,
    env,
  });
  return createPluginContainer(root, manifest).resolve(PluginContextFactory).create(plugin);
}

const base: Manifest = {
  name: 'probe',
  enabled: true,
  source: { path: 'probe' },
  config: { baseUrl: 'http://x' },
};

describe('the plugin containers', () => {
  it('resolve the root services registered once, and capabilities of each plugin its own', () => {
    const cache = createMemoryCacheBackend();
    const root = createRootContainer({ logger: createCapturingLogger().logger, database, cache });
    const a = createPluginContainer(root, base);
    const b = createPluginContainer(root, { ...base, name: 'other' });
    expect(a.resolve(ROOT.Database)).toBe(database);
    expect(b.resolve(ROOT.CacheBackend)).toBe(cache);
    expect(a.resolve(PLUGIN.Manifest)).toBe(base);
    expect(a.resolve(PLUGIN.Store)).toBe(a.resolve(PLUGIN.Store));
    expect(a.resolve(PLUGIN.Store)).not.toBe(b.resolve(PLUGIN.Store));
    expect(a.resolve(PLUGIN.Cache)).not.toBe(b.resolve(PLUGIN.Cache));
    expect(() => root.resolve(PLUGIN.Manifest)).toThrow();
  });
});

describe('PluginContextFactory', () => {
  it('validates config against the configSchema, fills defaults and freezes it', () => {
    const ctx = contextFor(base, createMemoryCacheBackend());
    expect(ctx.config).toEqual({ baseUrl: 'http://x', retries: 2 });
    expect(Object.isFrozen(ctx.config)).toBe(true);
    expect(() => contextFor({ ...base, config: {} }, createMemoryCacheBackend())).toThrow(
      'Configuration of plugin \'probe\' is invalid: field "baseUrl" is required',
    );
  });

  it('resolves secrets from the environment and refuses a missing one', () => {
    const manifest = { ...base, secrets: { apiKey: { env: 'PROBE_KEY' } } };
    expect(
      contextFor(manifest, createMemoryCacheBackend(), { PROBE_KEY: 's3cret' }).secrets,
    ).toEqual({
      apiKey: 's3cret',
    });
    expect(() => contextFor(manifest, createMemoryCacheBackend(), {})).toThrow(
      "Secret 'apiKey' of plugin 'probe' references environment variable PROBE_KEY, which is not set",
    );
  });

  it('http reaches granted origins and refuses every other one without calling it', async () => {
    const granted = contextFor(
      { ...base, permissions: { http: [origin] } },
      createMemoryCacheBackend(),
    );
    await expect(granted.http.json(`${origin}/x`)).resolves.toMatchObject({
      status: 200,
      data: { ok: true },
    });
    const before = hits;
    const denied = contextFor(
      { ...base, permissions: { http: ['http://127.0.0.1:1'] } },
      createMemoryCacheBackend(),
    );
    await expect(denied.http.fetch(`${origin}/x`)).rejects.toMatchObject({
      toolErrorCode: 'permission_denied',
    });
    expect(hits).toBe(before);
  });

  it('cache and store are refused unless the manifest grants them', async () => {
    const ctx = contextFor(base, createMemoryCacheBackend());
    await expect(ctx.cache.get('k')).rejects.toMatchObject({ toolErrorCode: 'permission_denied' });
    await expect(ctx.store.get('k')).rejects.toMatchObject({ toolErrorCode: 'permission_denied' });
  });

  it("two plugins never read each other's store documents", async () => {
    const grants = { permissions: { store: true } };
    const a = contextFor({ ...base, ...grants }, createMemoryCacheBackend());
    await a.store.put('shared-key', { owner: 'probe' });
    const other = contextFor(
      { ...base, ...grants, name: 'other' } as Manifest,
      createMemoryCacheBackend(),
    );
    expect(await other.store.get('shared-key')).toBeNull();
    expect(await a.store.get('shared-key')).toEqual({ owner: 'probe' });
  });
});

function cacheIsolationSuite(makeBackend: () => Promise<CacheBackend>) {
  it("two plugins never read each other's cache keys", async () => {
    const backend = await makeBackend();
    const grants = { permissions: { cache: true } };
    const a = contextFor({ ...base, ...grants }, backend);
    const b = contextFor({ ...base, ...grants, name: 'other' } as Manifest, backend);
    const key = `k-${Date.now()}-${Math.random()}`;
    await a.cache.set(key, { from: 'probe' }, 60);
    expect(await b.cache.get(key)).toBeUndefined();
    await b.cache.set(key, { from: 'other' }, 60);
    expect(await a.cache.get(key)).toEqual({ from: 'probe' });
    await a.cache.del(key);
    expect(await a.cache.get(key)).toBeUndefined();
    expect(await b.cache.get(key)).toEqual({ from: 'other' });
    await b.cache.del(key);
  });
}

describe('cache isolation (in-memory)', () => {
  cacheIsolationSuite(async () => createMemoryCacheBackend());
});

describeWithRedis('cache isolation (Redis)', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = await createRedisClient(redisUrl(), createCapturingLogger().logger);
  });
  afterAll(() => closeRedisClient(redis));
  cacheIsolationSuite(async () => createRedisCacheBackend(redis));
});
