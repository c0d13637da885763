import type { Settings } from '../config/Settings.js';
import { startHost, type Host } from '../startHost.js';

/** `toolhost start`: runs until SIGINT/SIGTERM, then drains and exits. */
export async function startCommand(settings: Settings): Promise<null> {
  let host: Host | null = null;
  let requested: string | null = null;
  const shutdown = (signal: string) => {
    // A signal during start-up is honoured as soon as the host is up.
    if (host === null) {
      requested = signal;
      return;
    }
    host.logger.info('toolhost shutting down', { signal });
    host.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  host = await startHost(settings);
  if (requested !== null) shutdown(requested);
  return null;
}
