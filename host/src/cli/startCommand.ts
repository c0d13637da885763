import type { Settings } from '../config/Settings.js';
import { createLogger } from '../telemetry/createLogger.js';
import { startHost, type Host } from '../startHost.js';

/** After a signal during start-up, exit at the latest this long after it. */
const ABORT_GRACE_MS = 5_000;

/**
 * `toolhost start`: runs until SIGINT/SIGTERM, then drains and exits 0. A signal during
 * start-up stops it where it is (what was opened is closed) and exits 0 within seconds.
 */
export async function startCommand(settings: Settings): Promise<number | null> {
  const logger = createLogger(settings.logLevel);
  const starting = new AbortController();
  let host: Host | null = null;
  const shutdown = (signal: string) => {
    if (host === null) {
      logger.info('toolhost start-up interrupted', { signal });
      setTimeout(() => process.exit(1), ABORT_GRACE_MS).unref();
      starting.abort(new DOMException(`start-up interrupted by ${signal}`, 'AbortError'));
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
  try {
    host = await startHost(settings, { logger, signal: starting.signal });
  } catch (error) {
    if (!starting.signal.aborted) throw error;
    logger.info('toolhost stopped before it was up');
    // A connection attempt that cannot be cancelled may still hold the event loop.
    process.exit(0);
  }
  return null;
}
