import { isToolError, isToolhostError, ToolError } from '@toolhost/plugin-sdk';
import { ToolhostError } from '@toolhost/plugin-sdk/host';
import { describe, expect, it } from 'vitest';
import { hostRebuild } from '../hostRebuild.js';
import { InboundBudget } from './InboundBudget.js';
import { MAX_FRAME_BYTES, Peer, type Handler, type PeerOptions } from './Peer.js';
import type { ProtocolError } from './ProtocolError.js';

type Side = Partial<Omit<PeerOptions, 'rebuild'>>;

/** Two peers whose frames cross as strings on the next microtask, as over a port. */
function pair(a: Side = {}, b: Side = {}) {
  const frames = { a: [] as string[], b: [] as string[] };
  const violations: ProtocolError[] = [];
  const left: Peer = new Peer(
    { send: (frame) => (frames.a.push(frame), queueMicrotask(() => right.receive(frame))) },
    { rebuild: hostRebuild, ...a },
  );
  const right: Peer = new Peer(
    { send: (frame) => (frames.b.push(frame), queueMicrotask(() => left.receive(frame))) },
    { rebuild: hostRebuild, onViolation: (e) => violations.push(e), ...b },
  );
  return { left, right, frames, violations };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Peer', () => {
  it('answers many calls in flight, each by its id, in few frames', async () => {
    const { left, frames } = pair({}, { handlers: { double: async ([x]) => (x as number) * 2 } });
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => left.call('double', [i])),
    );
    expect(results).toEqual(Array.from({ length: 100 }, (_, i) => i * 2));
    expect(frames.a.length).toBeLessThanOrEqual(2);
    expect(frames.b.length).toBeLessThanOrEqual(2);
  });

  it('keeps a ToolError code and a coded error (re-rendered from the host catalog) across', async () => {
    const { left } = pair(
      {},
      {
        handlers: {
          tool: () => {
            throw new ToolError('not_found', 'no such customer');
          },
          coded: () => {
            const forged = new ToolhostError('TOOLHOST_ERR_CONFIG_INVALID', {
              plugin: 'p',
              details: 'x',
            });
            forged.message = 'anything the other side likes';
            throw forged;
          },
          plain: async () => {
            throw new TypeError('bad');
          },
          odd: () => {
            throw 'a string';
          },
          badCode: () => {
            throw new ToolError('made_up' as never, 'm');
          },
        },
      },
    );
    const fail = (method: string): Promise<Error> =>
      left.call(method, []).then(
        () => new Error('resolved'),
        (e: unknown) => e as Error,
      );
    const tool = await fail('tool');
    expect(isToolError(tool) && tool.toolErrorCode).toBe('not_found');
    expect(tool.message).toBe('no such customer');
    const coded = await fail('coded');
    expect(isToolhostError(coded) && coded.code).toBe('TOOLHOST_ERR_CONFIG_INVALID');
    expect(coded.message).toBe("Configuration of plugin 'p' is invalid: x");
    const plain = await fail('plain');
    expect([plain.name, plain.message, isToolError(plain)]).toEqual(['TypeError', 'bad', false]);
    expect((await fail('odd')).message).toBe('a string');
    const badCode = await fail('badCode');
    expect(isToolError(badCode) && badCode.toolErrorCode).toBe('internal');
  });

  it('answers an unknown method with an error; __proto__ and friends are no methods', async () => {
    const { left } = pair({}, { handlers: {} });
    for (const method of ['nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      await expect(left.call(method, [])).rejects.toMatchObject({ name: 'ProtocolError' });
    }
  });

  it('carries calls the other way while the first one waits on them', async () => {
    const p = pair(
      { handlers: { 'cache.get': async ([key]) => `v:${String(key)}` } },
      {
        handlers: {
          tool: async ([key]) => `tool saw ${String(await p.right.call('cache.get', [key]))}`,
        },
      },
    );
    await expect(
      Promise.all([p.left.call('tool', ['x']), p.left.call('tool', ['y'])]),
    ).resolves.toEqual(['tool saw v:x', 'tool saw v:y']);
  });

  it('cancel rejects at once, aborts the handler, and counts the call until its late answer', async () => {
    let seen: string | null = null;
    let finish!: () => void;
    const slow: Handler = (_args, call) =>
      new Promise((resolve) => {
        call.signal.addEventListener('abort', () => {
          seen = (call.signal.reason as Error).name;
          finish = () => resolve('late');
        });
      });
    const { left } = pair({}, { handlers: { slow } });
    let cancel!: (reason: unknown) => void;
    const pending = left.call('slow', [], { onCancel: (listener) => void (cancel = listener) });
    await tick();
    expect(left.running).toBe(1);
    cancel(new DOMException('deadline', 'TimeoutError'));
    await expect(pending).rejects.toMatchObject({ name: 'TimeoutError' });
    await tick();
    expect(seen).toBe('AbortError');
    expect(left.running).toBe(1);
    const idle = left.whenIdle();
    finish();
    await idle;
    expect(left.running).toBe(0);
  });

  it('close rejects every pending call and every new one with its reason', async () => {
    const { left } = pair({}, { handlers: { never: () => new Promise(() => {}) } });
    const pending = left.call('never', []);
    await tick();
    left.close(new Error('the worker ended'));
    await expect(pending).rejects.toThrow('the worker ended');
    await expect(left.call('never', [])).rejects.toThrow('the worker ended');
    await expect(left.whenIdle()).resolves.toBeUndefined();
  });

  it('answers a heartbeat from the protocol layer; a side that takes no pings calls it a violation', async () => {
    const { left, violations } = pair({}, { answersPings: false });
    const { left: pinger } = pair();
    await expect(pinger.ping()).resolves.toBeUndefined();
    void left.ping().catch(() => undefined);
    await tick();
    expect(violations.map((v) => v.message)).toEqual(['this side takes no pings']);
  });

  it('turns an answer that cannot cross as JSON into an error, and keeps the channel', async () => {
    const { left, right } = pair(
      {},
      { handlers: { big: () => 10n, huge: () => 'x'.repeat(MAX_FRAME_BYTES), fine: () => 1 } },
    );
    await expect(left.call('big', [])).rejects.toMatchObject({
      message: expect.stringContaining('it is not JSON') as string,
    });
    await expect(left.call('huge', [])).rejects.toMatchObject({
      message: expect.stringContaining('larger than') as string,
    });
    await expect(left.call('fine', [])).resolves.toBe(1);
    await expect(right.call('nothing', [{ n: 1n }])).rejects.toMatchObject({
      name: 'ProtocolError',
    });
  });

  it('ignores replies to ids it never issued', async () => {
    const { left } = pair({}, { handlers: { ok: () => 'fine' } });
    left.receive(JSON.stringify([{ k: 'ok', id: 999, v: 'forged' }]));
    await expect(left.call('ok', [])).resolves.toBe('fine');
  });

  it.each([
    ['bytes that are not JSON', 'hello', 'a frame is not JSON'],
    ['JSON that is no array', '{"k":"call"}', 'a frame must be an array'],
    ['a message that is no object', '[1]', 'a message must be an object'],
    ['an unknown kind', '[{"k":"evil"}]', 'unknown message kind evil'],
    [
      'a call without an id',
      '[{"k":"call","m":"x","a":[]}]',
      'a call needs a numeric id, a method name and an args array',
    ],
    ['a reply without an id', '[{"k":"ok","v":1}]', 'a reply needs a numeric id'],
    [
      'nesting 100,000 deep',
      `[${'['.repeat(100_000)}${']'.repeat(100_000)}]`,
      'a frame nests deeper than 64',
    ],
    [
      'more than 10,000 messages',
      JSON.stringify(Array.from({ length: 10_001 }, (_, n) => ({ k: 'pong', n }))),
      'a frame holds more than 10000 messages',
    ],
  ])('reports %s as a violation and never throws', (_label, frame, message) => {
    const { right, violations } = pair();
    expect(() => right.receive(frame)).not.toThrow();
    expect(violations.map((v) => [v.code, v.message])).toEqual([['bad_frame', message]]);
  });

  it('refuses more than its budget a second, then takes frames again as the budget refills', () => {
    let now = 0;
    const budget = new InboundBudget(1_000, 10, () => now);
    const { right, violations } = pair({}, { budget });
    const pongs = (n: number) =>
      JSON.stringify(Array.from({ length: n }, (_, i) => ({ k: 'pong', n: i })));
    right.receive(pongs(8));
    expect(violations).toEqual([]);
    right.receive(pongs(8));
    expect(violations.map((v) => v.message)).toEqual([
      'it sends more messages a second than the host accepts',
    ]);
    now = 1_000;
    right.receive(pongs(8));
    right.receive('x'.repeat(1_001));
    expect(violations.map((v) => v.message).slice(1)).toEqual([
      'it sends more bytes a second than the host accepts',
    ]);
  });

  it('by default closes itself on a violation', async () => {
    const { left } = pair();
    left.receive('not json');
    await expect(left.call('x', [])).rejects.toMatchObject({ code: 'bad_frame' });
  });
});
