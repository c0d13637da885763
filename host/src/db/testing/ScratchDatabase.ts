/** A throwaway database for one test; `url` is a `databaseUrl` setting that opens it. */
export interface ScratchDatabase {
  readonly url: string;
  /** Deletes the database; connections still open to it are ended. */
  drop(): Promise<void>;
}
