import type { Api } from './api.js';
import type { CircuitChange, InstallProgressEvent, PluginChange } from './types.js';

export interface LiveHandlers {
  plugin(change: PluginChange): void;
  circuit(change: CircuitChange): void;
  install(event: InstallProgressEvent): void;
  /** `live`, `connecting`, `offline: <why>`. */
  status(text: string): void;
}

/**
 * Follows the host's event stream. EventSource sends no Authorization header, so each
 * connection first trades the key for a single-use ticket (POST), then opens the stream with
 * it; a dropped stream is reopened with a new ticket, backing off up to 15 s.
 */
export function connectLive(api: Api, handlers: LiveHandlers): () => void {
  let source: EventSource | null = null;
  let stopped = false;
  let delay = 500;
  let timer: number | undefined;

  const parse = <T>(event: Event): T => JSON.parse((event as MessageEvent<string>).data) as T;

  async function open(): Promise<void> {
    handlers.status('connecting');
    try {
      const { ticket } = await api.post<{ ticket: string }>('/v1/admin/events/tickets');
      if (stopped) return;
      const stream = new EventSource(`/v1/admin/events?ticket=${encodeURIComponent(ticket)}`);
      source = stream;
      stream.addEventListener('ready', () => {
        delay = 500;
        handlers.status('live');
      });
      stream.addEventListener('plugin', (event) => handlers.plugin(parse<PluginChange>(event)));
      stream.addEventListener('circuit', (event) => handlers.circuit(parse<CircuitChange>(event)));
      stream.addEventListener('install', (event) =>
        handlers.install(parse<InstallProgressEvent>(event)),
      );
      stream.addEventListener('error', () => {
        // Its ticket is spent: the browser's own reconnect would be refused, so make a new one.
        stream.close();
        retry('the event stream dropped');
      });
    } catch (error) {
      retry(String(error instanceof Error ? error.message : error));
    }
  }

  function retry(why: string): void {
    if (stopped) return;
    handlers.status(`offline: ${why}; retrying`);
    clearTimeout(timer);
    timer = window.setTimeout(() => void open(), delay);
    delay = Math.min(delay * 2, 15_000);
  }

  void open();
  return () => {
    stopped = true;
    clearTimeout(timer);
    source?.close();
    handlers.status('offline');
  };
}
