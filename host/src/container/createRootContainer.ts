import 'reflect-metadata';
import { container as globalContainer, type DependencyContainer } from 'tsyringe';
import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'winston';
import type { CacheBackend } from '../cache/CacheBackend.js';
import type { Settings } from '../config/Settings.js';
import type { Database } from '../db/Database.js';
import { TOKENS } from './tokens.js';

export interface RootServices {
  settings: Settings;
  logger: Logger;
  database: Database;
  cache: CacheBackend;
  tracer: Tracer;
  fetch?: typeof globalThis.fetch;
}

/** The host's root container; each plugin gets a child of it (createPluginContext). */
export function createRootContainer(services: RootServices): DependencyContainer {
  const root = globalContainer.createChildContainer();
  root.register(TOKENS.Settings, { useValue: services.settings });
  root.register(TOKENS.Logger, { useValue: services.logger });
  root.register(TOKENS.Database, { useValue: services.database });
  root.register(TOKENS.CacheBackend, { useValue: services.cache });
  root.register(TOKENS.Tracer, { useValue: services.tracer });
  root.register(TOKENS.Fetch, { useValue: services.fetch ?? globalThis.fetch });
  return root;
}
