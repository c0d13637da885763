import type { Logger } from 'winston';

export interface ListenOptions {
  url: string;
  channel: string;
  /** A notification arrived, or the connection came back (and may have missed some). */
  onNotify: () => void;
  onError: (error: Error) => void;
  logger: Logger;
  /** Waits between reconnects: starts here, doubles, at most 10 s. */
  retryMs?: number;
}

/**
 * LISTENs on `channel` over one dedicated connection, reconnecting with growing waits when it
 * drops; resolves once the first LISTEN is in place (or failed: the periodic reconcile covers
 * the time until a reconnect works). Resolves to a function that stops it.
 */
export async function listenForNotifications(options: ListenOptions): Promise<() => Promise<void>> {
  const { default: pg } = await import('pg');
  let stopped = false;
  let client: InstanceType<typeof pg.Client> | null = null;
  let retry: NodeJS.Timeout | undefined;
  let wait = options.retryMs ?? 500;

  const connect = async (): Promise<void> => {
    const current = new pg.Client({
      connectionString: options.url,
      connectionTimeoutMillis: 10_000,
      application_name: 'toolhost-listen',
    });
    client = current;
    let dropped = false;
    const drop = (error: Error) => {
      if (dropped || stopped) return;
      dropped = true;
      options.onError(error);
      void current.end().catch(() => {});
      retry = setTimeout(() => void connect(), wait);
      retry.unref();
      wait = Math.min(wait * 2, 10_000);
    };
    current.on('error', drop);
    current.on('end', () => drop(new Error('the notification connection ended')));
    current.on('notification', () => options.onNotify());
    try {
      await current.connect();
      // The channel is ours (a constant), never user input.
      await current.query(`listen "${options.channel}"`);
      if (stopped) {
        await current.end();
        return;
      }
      wait = options.retryMs ?? 500;
      options.logger.info('listening for manifest changes', { channel: options.channel });
      options.onNotify();
    } catch (error) {
      drop(error as Error);
    }
  };

  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => {});
  };
}
