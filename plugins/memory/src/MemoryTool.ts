import {
  BaseTool,
  fail,
  ok,
  type CallContext,
  type PluginContext,
  type ToolResult,
} from '@toolhost/plugin-sdk';
import { KeyedMutex } from './KeyedMutex.js';
import { toNote, type Note, type NoteKind } from './Note.js';
import { noteKey, sequenceOf, sessionPrefix } from './noteKeys.js';

export type RememberInput = { note: string; kind?: NoteKind };
export type RecallInput = { limit?: number };

export const DEFAULT_MAX_NOTES = 50;
const DEFAULT_RECALL_LIMIT = 10;

interface StoredNote {
  key: string;
  sequence: number;
  note: Note | null;
}

const noSession = () => fail('memory needs a session id', 'invalid_input');

/** Per-session notes in the plugin store, oldest dropped beyond `maxNotesPerSession`. */
export class MemoryTool extends BaseTool {
  readonly #sessions = new KeyedMutex();
  readonly #maxNotes: number;
  readonly #now: () => Date;

  constructor(ctx: PluginContext, now: () => Date = () => new Date()) {
    super(ctx);
    const max = ctx.config['maxNotesPerSession'];
    this.#maxNotes =
      typeof max === 'number' && Number.isInteger(max) && max >= 1 ? max : DEFAULT_MAX_NOTES;
    this.#now = now;
  }

  async remember(input: RememberInput, call: CallContext): Promise<ToolResult> {
    const { sessionId } = call;
    if (sessionId === null) return noSession();
    return this.#sessions.run(sessionId, async () => {
      const { store } = this.ctx;
      const existing = await this.#notesOf(sessionId);
      const sequence = (existing.at(-1)?.sequence ?? 0) + 1;
      const note: Note = {
        note: input.note,
        kind: input.kind ?? 'fact',
        at: this.#now().toISOString(),
      };
      await store.put(noteKey(sessionId, sequence), note);
      const dropped = existing.slice(0, Math.max(0, existing.length + 1 - this.#maxNotes));
      for (const old of dropped) await store.delete(old.key);
      if (dropped.length > 0)
        call.logger.debug('memory dropped old notes', { dropped: dropped.length });
      return ok(
        { stored: true, count: existing.length + 1 - dropped.length },
        { source: 'memory' },
      );
    });
  }

  async recall(input: RecallInput, call: CallContext): Promise<ToolResult> {
    const { sessionId } = call;
    if (sessionId === null) return noSession();
    const limit = input.limit ?? DEFAULT_RECALL_LIMIT;
    const notes: Note[] = [];
    const stored = await this.#notesOf(sessionId);
    for (let i = stored.length - 1; i >= 0 && notes.length < limit; i -= 1) {
      const note = stored[i]?.note;
      if (note) notes.push(note);
    }
    return ok({ notes }, { source: 'memory' });
  }

  /** The session's notes, oldest first. */
  async #notesOf(sessionId: string): Promise<StoredNote[]> {
    const notes: StoredNote[] = [];
    for (const { key, value } of await this.ctx.store.list(sessionPrefix(sessionId))) {
      const sequence = sequenceOf(key, sessionId);
      if (sequence !== null) notes.push({ key, sequence, note: toNote(value) });
    }
    return notes;
  }
}
