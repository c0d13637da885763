import { setImmediate } from 'node:timers';

/** The part of a better-sqlite3 database the group needs. */
export interface SqliteTransactions {
  exec(sql: string): unknown;
  readonly inTransaction: boolean;
}

interface Member {
  op: () => unknown;
  result: unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface CommitGroupStats {
  /** Transactions committed by the group. */
  commits: number;
  /** Writes those transactions carried. */
  writes: number;
  /** Writes run again one by one after their group's transaction was lost. */
  replayed: number;
}

/**
 * Group commit for one SQLite connection. On SQLite every autocommit statement is its own
 * transaction, and a commit (WAL frames, locks) costs more than the statement itself; the
 * writes of concurrent messages (audit rows, plugin documents) land within one turn of the
 * event loop. So the first write of a turn opens a transaction, every write of that turn runs
 * inside it at once, and the transaction commits once at the end of the turn (setImmediate).
 * Each write's promise settles only after that commit, so a caller that was told "written"
 * was committed. A write that fails rejects alone (SQLite undoes just that statement); when a
 * failure or the commit itself loses the whole transaction, the group's other writes run
 * again one by one, each settling with its own outcome, so one bad write never takes the
 * others down. Reads on the connection see the open transaction's writes (one connection).
 */
export class SqliteCommitGroup {
  readonly #db: SqliteTransactions;
  #members: Member[] = [];
  #open = false;
  readonly #stats: CommitGroupStats = { commits: 0, writes: 0, replayed: 0 };

  constructor(db: SqliteTransactions) {
    this.#db = db;
  }

  get stats(): Readonly<CommitGroupStats> {
    return this.#stats;
  }

  /** Runs `op` (a synchronous write) in this turn's transaction; resolves once it is committed. */
  write<T>(op: () => T): Promise<T> {
    if (!this.#open) {
      // Someone else's transaction is open on this connection: join it, as an autocommit
      // statement would, rather than fail to nest.
      if (this.#db.inTransaction) return new Promise<T>((resolve) => resolve(op()));
      this.#db.exec('begin');
      this.#open = true;
      setImmediate(() => this.#commit());
    }
    return new Promise<T>((resolve, reject) => {
      const member: Member = {
        op,
        result: undefined,
        resolve: resolve as (value: unknown) => void,
        reject,
      };
      try {
        member.result = op();
      } catch (error) {
        reject(error);
        // The error rolled the whole transaction back: what ran before it is gone.
        if (!this.#db.inTransaction) this.#lost();
        return;
      }
      this.#members.push(member);
    });
  }

  #commit(): void {
    if (!this.#open) return;
    const members = this.#take();
    try {
      this.#db.exec('commit');
    } catch {
      if (this.#db.inTransaction) this.#rollbackQuietly();
      this.#replay(members);
      return;
    }
    this.#stats.commits += 1;
    this.#stats.writes += members.length;
    for (const member of members) member.resolve(member.result);
  }

  /** The open transaction vanished (rolled back by SQLite): replay what it carried. */
  #lost(): void {
    this.#replay(this.#take());
  }

  #take(): Member[] {
    const members = this.#members;
    this.#members = [];
    this.#open = false;
    return members;
  }

  /** Each write on its own, in autocommit, settling with its own outcome. */
  #replay(members: readonly Member[]): void {
    for (const member of members) {
      this.#stats.replayed += 1;
      try {
        member.resolve(member.op());
      } catch (error) {
        member.reject(error);
      }
    }
  }

  #rollbackQuietly(): void {
    try {
      this.#db.exec('rollback');
    } catch {
      // nothing left to roll back
    }
  }
}
