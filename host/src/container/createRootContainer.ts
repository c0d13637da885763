import 'reflect-metadata';
import { container as globalContainer, type DependencyContainer } from 'tsyringe';
import type { Logger } from 'winston';
import type { CacheBackend } from '../cache/CacheBackend.js';
import type { Database } from '../db/Database.js';
import { tracedFetch } from '../telemetry/tracedFetch.js';
import { ROOT } from './tokens.js';

export interface RootServices {
  logger: Logger;
  database: Database;
  cache: CacheBackend;
  fetch?: typeof globalThis.fetch;
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The host's root container: the services plugin capabilities are built from, registered
 * once by token. Each plugin gets a child of it (createPluginContainer). The host's own
 * services are built and wired by startHost, which reads better than tokens for them.
 */
export function createRootContainer(services: RootServices): DependencyContainer {
  const root = globalContainer.createChildContainer();
  root.register(ROOT.Logger, { useValue: services.logger });
  root.register(ROOT.Database, { useValue: services.database });
  root.register(ROOT.CacheBackend, { useValue: services.cache });
  // Plugins' `ctx.http` requests carry the active span's traceparent.
  root.register(ROOT.Fetch, { useValue: tracedFetch(services.fetch ?? globalThis.fetch) });
  root.register(ROOT.Env, { useValue: services.env ?? process.env });
  return root;
}
