// The few parts of `pg` (installed for @mikro-orm/postgresql, without types) the host uses
// directly: one plain client per host that LISTENs for manifest changes.
declare module 'pg' {
  import type { EventEmitter } from 'node:events';

  export interface Notification {
    processId: number;
    channel: string;
    payload?: string;
  }

  export interface ClientConfig {
    connectionString: string;
    connectionTimeoutMillis?: number;
    application_name?: string;
  }

  export class Client extends EventEmitter {
    constructor(config: ClientConfig);
    connect(): Promise<void>;
    query(text: string): Promise<unknown>;
    end(): Promise<void>;
  }

  const pg: { Client: typeof Client };
  export default pg;
}
