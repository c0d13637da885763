import { s } from './dom.js';
import type { ToolMinutes } from './types.js';

const WIDTH = 120;
const HEIGHT = 28;

/**
 * A bar per minute of the last hour: calls in grey-blue, the failed part in red on top of it.
 * Its accessible name says the totals, for those who cannot see it.
 */
export function toolChart(minutes: ToolMinutes): SVGSVGElement {
  const calls = minutes.calls.reduce((a, b) => a + b, 0);
  const failures = minutes.failures.reduce((a, b) => a + b, 0);
  const label = `${minutes.tool}: ${calls} calls, ${failures} failed, in the last hour`;
  const peak = Math.max(1, ...minutes.calls);
  const bar = WIDTH / minutes.calls.length;
  const svg = s('svg', {
    class: 'chart',
    width: WIDTH,
    height: HEIGHT,
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: 'img',
    'aria-label': label,
    'data-calls': calls,
    'data-failures': failures,
  });
  svg.append(s('title', {}, label));
  svg.append(s('line', { x1: 0, y1: HEIGHT - 0.5, x2: WIDTH, y2: HEIGHT - 0.5, class: 'axis' }));
  minutes.calls.forEach((count, i) => {
    if (count === 0) return;
    const failed = minutes.failures[i] ?? 0;
    const height = Math.max(1, (count / peak) * (HEIGHT - 2));
    const failedHeight = failed === 0 ? 0 : Math.max(1, (failed / peak) * (HEIGHT - 2));
    const x = i * bar;
    svg.append(s('rect', { x, y: HEIGHT - height, width: bar * 0.8, height, class: 'calls' }));
    if (failedHeight > 0) {
      svg.append(
        s('rect', {
          x,
          y: HEIGHT - failedHeight,
          width: bar * 0.8,
          height: failedHeight,
          class: 'failures',
        }),
      );
    }
  });
  return svg;
}
