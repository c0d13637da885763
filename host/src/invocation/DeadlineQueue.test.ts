import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadlineQueue } from './DeadlineQueue.js';

const clock = { now: () => performance.now() };

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('DeadlineQueue', () => {
  it('expires unsettled deadlines in order, with one timer for the whole queue', () => {
    const queue = new DeadlineQueue(1_000, clock);
    const expired: string[] = [];
    queue.add(() => expired.push('a'));
    vi.advanceTimersByTime(300);
    const b = queue.add(() => expired.push('b'));
    vi.advanceTimersByTime(300);
    queue.add(() => expired.push('c'));
    expect(vi.getTimerCount()).toBe(1);

    queue.settle(b);
    vi.advanceTimersByTime(400);
    expect(expired).toEqual(['a']);
    vi.advanceTimersByTime(599);
    expect(expired).toEqual(['a']);
    vi.advanceTimersByTime(1);
    expect(expired).toEqual(['a', 'c']);
    expect(queue.pending).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('makes the AbortSignal only when asked, and aborts it at the deadline', () => {
    const queue = new DeadlineQueue(500, clock);
    const deadline = queue.add(() => {});
    const signal = deadline.signal;
    expect(signal.aborted).toBe(false);

    vi.advanceTimersByTime(500);

    expect(signal.aborted).toBe(true);
    expect((signal.reason as DOMException).name).toBe('TimeoutError');
    expect(deadline.signal).toBe(signal);
  });

  it('hands out an already aborted signal after the deadline passed', () => {
    const queue = new DeadlineQueue(500, clock);
    const deadline = queue.add(() => {});
    vi.advanceTimersByTime(500);

    expect(deadline.signal.aborted).toBe(true);
  });

  it('never aborts the signal of a settled deadline', () => {
    const queue = new DeadlineQueue(500, clock);
    const deadline = queue.add(() => {});
    const signal = deadline.signal;
    queue.settle(deadline);

    vi.advanceTimersByTime(5_000);

    expect(signal.aborted).toBe(false);
    expect(deadline.expired).toBe(false);
  });

  it('keeps up when a deadline is added from an abort listener', () => {
    const queue = new DeadlineQueue(100, clock);
    const expired: string[] = [];
    const first = queue.add(() => expired.push('first'));
    first.signal.addEventListener('abort', () => queue.add(() => expired.push('second')));

    vi.advanceTimersByTime(100);
    expect(expired).toEqual(['first']);
    vi.advanceTimersByTime(100);
    expect(expired).toEqual(['first', 'second']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('expires every due deadline even when an abort listener settles others', () => {
    const queue = new DeadlineQueue(100, clock);
    const expired: string[] = [];
    const a = queue.add(() => expired.push('a'));
    const b = queue.add(() => expired.push('b'));
    queue.add(() => expired.push('c'));
    a.signal.addEventListener('abort', () => queue.settle(b));

    vi.advanceTimersByTime(100);

    expect(expired).toEqual(['a', 'c']);
    expect(queue.pending).toBe(0);
  });

  it('stays small when calls finish in time', () => {
    const queue = new DeadlineQueue(60_000, clock);
    for (let i = 0; i < 10_000; i++) queue.settle(queue.add(() => {}));

    expect(queue.pending).toBe(0);
    expect(vi.getTimerCount()).toBe(1);
  });
});
