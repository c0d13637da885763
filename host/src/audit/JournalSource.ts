import type { AuditEntry } from './AuditEntry.js';

/** A place in the journal: a byte offset in one numbered segment file. */
export interface JournalPosition {
  segment: number;
  offset: number;
}

export interface JournalBatch {
  /** Oldest first. */
  entries: AuditEntry[];
  /** Where the batch ends: acknowledging it moves the checkpoint here. */
  end: JournalPosition;
}

/** What the flusher needs from the journal. */
export interface JournalSource {
  /** Up to `max` entries after the checkpoint, none at or past `until`; does not move it. */
  read(max: number, until?: JournalPosition): Promise<JournalBatch>;
  /**
   * Where this run's appends begin: entries before it were left by an earlier run (a crash,
   * an outage) and are replayed. Absent: nothing to tell apart.
   */
  readonly replayEnd?: JournalPosition;
  /** Records that everything before `end` is in the database; never moves backwards. */
  acknowledge(end: JournalPosition): Promise<void>;
  /** Sets aside an entry the database keeps refusing, so it no longer holds back the rest. */
  quarantine(entry: AuditEntry, reason: string): Promise<void>;
}

export function comparePositions(a: JournalPosition, b: JournalPosition): number {
  return a.segment - b.segment || a.offset - b.offset;
}
