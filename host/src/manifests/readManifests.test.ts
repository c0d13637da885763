import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifests } from './readManifests.js';
import { writeManifestEnabled } from './writeManifestEnabled.js';
import { readFileSync } from 'node:fs';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'toolhost-manifests-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('readManifests', () => {
  it('reads valid manifests and refuses broken ones with the file and reason', async () => {
    const dir = dirWith({
      'good.json': JSON.stringify({ name: 'good', enabled: true, source: { path: 'good' } }),
      'broken.json': '{ "name": "broken", ',
      'renamed.json': JSON.stringify({ name: 'other', enabled: true, source: { path: 'x' } }),
      'notes.txt': 'ignored',
      '.hidden.json': '{}',
    });
    const entries = await readManifests(dir);
    expect(entries.map((e) => e.name)).toEqual(['broken', 'good', 'renamed']);
    expect(entries[1]).toMatchObject({ error: null, manifest: { name: 'good' } });
    expect(entries[0]?.error).toMatch(
      new RegExp(`^Manifest ${join(dir, 'broken.json')} is invalid: not valid JSON`),
    );
    expect(entries[2]?.error).toBe(
      `Manifest ${join(dir, 'renamed.json')} is invalid: field "name" must match the file name ("renamed")`,
    );
  });

  it('treats a missing directory as empty', async () => {
    await expect(readManifests('/nonexistent/toolhost/manifests')).resolves.toEqual([]);
  });

  it('writeManifestEnabled flips the flag and keeps every other field', async () => {
    const manifest = { name: 'good', enabled: false, source: { path: 'good' }, config: { a: 1 } };
    const dir = dirWith({ 'good.json': JSON.stringify(manifest) });
    await writeManifestEnabled(join(dir, 'good.json'), true);
    expect(JSON.parse(readFileSync(join(dir, 'good.json'), 'utf8'))).toEqual({
      ...manifest,
      enabled: true,
    });
  });
});
