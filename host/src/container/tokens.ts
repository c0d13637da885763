import type { InjectionToken } from 'tsyringe';
import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'winston';
import type { CacheBackend } from '../cache/CacheBackend.js';
import type { Settings } from '../config/Settings.js';
import type { Database } from '../db/Database.js';
import type { Manifest } from '../manifests/Manifest.js';

/** Injection tokens of the root container and of each plugin's child container. */
export const TOKENS = {
  Settings: Symbol('Settings') as InjectionToken<Settings>,
  Logger: Symbol('Logger') as InjectionToken<Logger>,
  Database: Symbol('Database') as InjectionToken<Database>,
  CacheBackend: Symbol('CacheBackend') as InjectionToken<CacheBackend>,
  Tracer: Symbol('Tracer') as InjectionToken<Tracer>,
  Fetch: Symbol('Fetch') as InjectionToken<typeof globalThis.fetch>,
  Manifest: Symbol('Manifest') as InjectionToken<Manifest>,
} as const;
