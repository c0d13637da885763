import type { InjectionToken } from 'tsyringe';
import type { CacheCapability, SearchCapability, StoreCapability } from '@toolhost/plugin-sdk';
import type { Logger as PluginLogger } from '@toolhost/plugin-sdk/host';
import type { Logger } from 'winston';
import type { CacheBackend } from '../cache/CacheBackend.js';
import type { Database } from '../db/Database.js';
import type { Manifest } from '../manifests/Manifest.js';

/** The root services every plugin's capabilities are built from; registered once at boot. */
export const ROOT = {
  Logger: Symbol('Logger') as InjectionToken<Logger>,
  Database: Symbol('Database') as InjectionToken<Database>,
  CacheBackend: Symbol('CacheBackend') as InjectionToken<CacheBackend>,
  Fetch: Symbol('Fetch') as InjectionToken<typeof globalThis.fetch>,
  /** Where manifest secrets are looked up (`process.env`). */
  Env: Symbol('Env') as InjectionToken<Readonly<Record<string, string | undefined>>>,
} as const;

/** What each plugin's child container adds: its manifest and its own capabilities. */
export const PLUGIN = {
  Manifest: Symbol('Manifest') as InjectionToken<Manifest>,
  Logger: Symbol('PluginLogger') as InjectionToken<PluginLogger>,
  /** The plugin's namespaced cache, store and search, before its manifest's grants are applied. */
  Cache: Symbol('PluginCache') as InjectionToken<CacheCapability>,
  Store: Symbol('PluginStore') as InjectionToken<StoreCapability>,
  Search: Symbol('PluginSearch') as InjectionToken<SearchCapability>,
} as const;
