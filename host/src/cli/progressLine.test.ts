import { describe, expect, it } from 'vitest';
import { describeProgress, progressLine } from './progressLine.js';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return {
    written,
    stream: { isTTY, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream,
  };
}

describe('the install progress line', () => {
  it('says what the install does, with bytes as it downloads', () => {
    expect(describeProgress({ phase: 'resolving', spec: '@acme/x@^1' })).toBe(
      'resolving @acme/x@^1',
    );
    expect(describeProgress({ phase: 'downloading', bytes: 12_345 })).toBe('downloading 12.3 kB');
    expect(describeProgress({ phase: 'verifying', bytes: 12_345 })).toBe(
      'verifying 12.3 kB (sha512)',
    );
    expect(describeProgress({ phase: 'installing dependencies', count: 2 })).toBe(
      'installing 2 dependencies (scripts disabled)',
    );
  });

  it('rewrites one line on a terminal and clears it at the end', () => {
    const tty = stream(true);
    const line = progressLine(tty.stream);
    line.listener({ phase: 'downloading', bytes: 1000 });
    line.done();
    expect(tty.written).toEqual(['\r\x1b[2Kdownloading 1.0 kB', '\r\x1b[2K']);
  });

  it('writes nothing when the output is not a terminal', () => {
    const pipe = stream(false);
    const line = progressLine(pipe.stream);
    line.listener({ phase: 'recording' });
    line.done();
    expect(pipe.written).toEqual([]);
  });
});
