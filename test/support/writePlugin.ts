import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a plugin package into `dir`: a package.json accepting SDK ^1.0.0 and an `index.js`
 * made of `lines`, for tests whose plugin is written inline.
 */
export function writePlugin(dir: string, name: string, lines: readonly string[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', type: 'module', toolhost: { sdk: '^1.0.0' } }),
  );
  writeFileSync(join(dir, 'index.js'), lines.join('\n'));
}
