import { Writable } from 'node:stream';
import winston from 'winston';
import { describe, expect, it } from 'vitest';
import { createLogger } from './createLogger.js';

function sink(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines };
}

describe('createLogger', () => {
  it('writes one JSON object per line with level, message, timestamp and the fields', () => {
    const { stream, lines } = sink();
    const logger = createLogger('info', stream);

    logger.info('tool call finished', { tool_name: 'crm.lookup', attempts: 2 });
    logger.warn({ message: 'circuit opened', tool_name: 'crm.lookup' });

    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      {
        level: 'info',
        message: 'tool call finished',
        tool_name: 'crm.lookup',
        attempts: 2,
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      },
      expect.objectContaining({ level: 'warn', message: 'circuit opened' }),
    ]);
  });

  it('writes nothing below its level', () => {
    const { stream, lines } = sink();
    const logger = createLogger('warn', stream);

    logger.debug('noise');
    logger.info('more noise');
    logger.error('boom');

    expect(lines.map((line) => (JSON.parse(line) as { message: string }).message)).toEqual([
      'boom',
    ]);
  });

  it('adds a child logger’s fields to each of its lines', () => {
    const { stream, lines } = sink();
    const child = createLogger('info', stream).child({ request_id: 'req-1' });

    child.info('inside', { hits: 1 });

    expect(JSON.parse(lines[0]!)).toMatchObject({
      request_id: 'req-1',
      hits: 1,
      message: 'inside',
    });
  });

  it('still logs a line whose fields JSON.stringify cannot take', () => {
    const { stream, lines } = sink();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;

    createLogger('info', stream).info('odd', { cyclic, big: 10n });

    expect(JSON.parse(lines[0]!)).toMatchObject({ message: 'odd', cyclic: { name: 'loop' } });
  });

  it('lets a transport added later take lines at its own level', () => {
    const main = sink();
    const verbose = sink();
    const logger = createLogger('info', main.stream);
    logger.add(new winston.transports.Stream({ stream: verbose.stream, level: 'debug' }));

    expect(logger.isLevelEnabled('debug')).toBe(true);
    logger.debug('details');

    expect(main.lines).toEqual([]);
    expect(verbose.lines).toHaveLength(1);
  });

  it('answers isLevelEnabled as winston does', () => {
    const winstonAnswer = winston.Logger.prototype.isLevelEnabled;
    for (const level of ['error', 'warn', 'info', 'debug'] as const) {
      const logger = createLogger(level, sink().stream);
      for (const asked of ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly', 'nope']) {
        expect(logger.isLevelEnabled(asked)).toBe(winstonAnswer.call(logger, asked));
      }
    }
  });

  it('emits logged for each line written', () => {
    const logger = createLogger('info', sink().stream);
    const logged: unknown[] = [];
    logger.transports[0]!.on('logged', (info) => logged.push(info));

    logger.info('one');

    expect(logged).toHaveLength(1);
  });
});
