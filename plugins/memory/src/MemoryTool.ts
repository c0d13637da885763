import {
  BaseTool,
  fail,
  ok,
  type CallContext,
  type PluginContext,
  type ToolResult,
  KeyedMutex,
} from '@toolhost/plugin-sdk';
import { toNote, type Note, type NoteKind } from './Note.js';
import { noteKey, sequenceOf, sessionPrefix } from './noteKeys.js';

export type RememberInput = { note: string; kind?: NoteKind };
export type RecallInput = { limit?: number };

export const DEFAULT_MAX_NOTES = 50;
const DEFAULT_RECALL_LIMIT = 10;

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
      const [newest] = await store.list(sessionPrefix(sessionId), { limit: 1 });
      const sequence = (newest ? (sequenceOf(newest.key, sessionId) ?? 0) : 0) + 1;
      const note: Note = {
        note: input.note,
        kind: input.kind ?? 'fact',
        at: this.#now().toISOString(),
      };
      await store.put(noteKey(sessionId, sequence), note);
      // One note in, at most one out: the one that just fell past the cap.
      const dropped = sequence - this.#maxNotes;
      if (dropped >= 1) await store.delete(noteKey(sessionId, dropped));
      return ok({ stored: true, count: Math.min(sequence, this.#maxNotes) }, { source: 'memory' });
    });
  }

  async recall(input: RecallInput, call: CallContext): Promise<ToolResult> {
    const { sessionId } = call;
    if (sessionId === null) return noSession();
    const limit = Math.min(input.limit ?? DEFAULT_RECALL_LIMIT, this.#maxNotes);
    const notes: Note[] = [];
    for (const { key, value } of await this.ctx.store.list(sessionPrefix(sessionId), { limit })) {
      const note = sequenceOf(key, sessionId) === null ? null : toNote(value);
      if (note) notes.push(note);
    }
    return ok({ notes }, { source: 'memory' });
  }
}
