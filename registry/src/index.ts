export {
  CONFIG_FILE,
  registryConfig,
  type PackageAccess,
  type RegistryConfig,
  type RegistryConfigOptions,
} from './registryConfig.js';
export { startRegistry, type RunningRegistry, type StartRegistryOptions } from './startRegistry.js';
