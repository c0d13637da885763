import type { Settings } from '../config/Settings.js';
import { installSdkResolution } from '../plugins/installSdkResolution.js';
import { startHost } from '../startHost.js';

/** `toolhost start`: runs until SIGINT/SIGTERM, then drains and exits. */
export async function startCommand(settings: Settings): Promise<null> {
  installSdkResolution();
  const host = await startHost(settings);
  const shutdown = (signal: string) => {
    host.logger.info('toolhost shutting down', { signal });
    host.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  return null;
}
