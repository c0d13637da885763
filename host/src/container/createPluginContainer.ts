import { instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import type { Logger } from '@toolhost/plugin-sdk/host';
import type { Manifest } from '../manifests/Manifest.js';
import { createPluginCache } from './createPluginCache.js';
import { createPluginSearch } from './createPluginSearch.js';
import { createPluginStore } from './createPluginStore.js';
import { PLUGIN, ROOT } from './tokens.js';

/**
 * A plugin's child container: its manifest, and its capabilities resolved from the root
 * services (a logger bound to it, a cache, a store and a search index namespaced to it). One per load, so a
 * reloaded plugin starts from fresh capabilities.
 */
export function createPluginContainer(
  root: DependencyContainer,
  manifest: Manifest,
): DependencyContainer {
  const name = manifest.name;
  const child = root.createChildContainer();
  child.register(PLUGIN.Manifest, { useValue: manifest });
  child.register(PLUGIN.Logger, {
    useFactory: instanceCachingFactory((c): Logger => {
      const logger = c.resolve(ROOT.Logger).child({ plugin: name });
      return {
        debug: (message, fields) => logger.debug(message, fields),
        info: (message, fields) => logger.info(message, fields),
        warn: (message, fields) => logger.warn(message, fields),
        error: (message, fields) => logger.error(message, fields),
      };
    }),
  });
  child.register(PLUGIN.Cache, {
    useFactory: instanceCachingFactory((c) =>
      createPluginCache(c.resolve(ROOT.CacheBackend), name),
    ),
  });
  child.register(PLUGIN.Store, {
    useFactory: instanceCachingFactory((c) =>
      createPluginStore(c.resolve(ROOT.Database).orm, name),
    ),
  });
  child.register(PLUGIN.Search, {
    useFactory: instanceCachingFactory((c) =>
      createPluginSearch(c.resolve(ROOT.Database).orm, name),
    ),
  });
  return child;
}
