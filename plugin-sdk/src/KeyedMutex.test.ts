import { describe, expect, it } from 'vitest';
import { KeyedMutex } from './KeyedMutex.js';

describe('KeyedMutex', () => {
  it('runs tasks of one key one after another, in order', async () => {
    const mutex = new KeyedMutex();
    const events: string[] = [];
    const task = (name: string) => async () => {
      events.push(`${name} start`);
      await new Promise((resolve) => setImmediate(resolve));
      events.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([
      mutex.run('k', task('a')),
      mutex.run('k', task('b')),
      mutex.run('k', task('c')),
    ]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    expect(mutex.size).toBe(0);
  });

  it('lets different keys run side by side', async () => {
    const mutex = new KeyedMutex();
    const events: string[] = [];
    let unblock = (): void => {};
    const blocked = mutex.run('a', async () => {
      events.push('a start');
      await new Promise<void>((resolve) => {
        unblock = resolve;
      });
      events.push('a end');
    });
    await mutex.run('b', async () => {
      events.push('b');
    });
    unblock();
    await blocked;
    expect(events).toEqual(['a start', 'b', 'a end']);
  });

  it('keeps going after a task fails', async () => {
    const mutex = new KeyedMutex();
    await expect(
      mutex.run('k', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(mutex.run('k', async () => 'next')).resolves.toBe('next');
    expect(mutex.size).toBe(0);
  });
});
