/** What a note is about; the planner uses it to pick what to recall. */
export const NOTE_KINDS = ['fact', 'preference', 'summary'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];

/** One note of a session, as kept in the store and answered by `recall`. */
export type Note = { note: string; kind: NoteKind; at: string };

/** The note held in `value`, or null when `value` is not one. */
export function toNote(value: unknown): Note | null {
  if (typeof value !== 'object' || value === null) return null;
  const { note, kind, at } = value as Record<string, unknown>;
  if (typeof note !== 'string' || typeof at !== 'string') return null;
  if (!(NOTE_KINDS as readonly unknown[]).includes(kind)) return null;
  return { note, kind: kind as NoteKind, at };
}
