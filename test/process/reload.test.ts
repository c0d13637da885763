import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { bearer, CLIENT, keysEnv } from '../support/apiKeys.js';
import { startHostProcess, type HostProcess } from '../support/hostProcess.js';
import { writePlugin } from '../support/writePlugin.js';

const TOKEN = 'reload-test-admin-token-01';
let root: string;
let host: HostProcess | null = null;

afterEach(async () => {
  await host?.stop();
  host = null;
  rmSync(root, { recursive: true, force: true });
});

function writeAnswer(dir: string, answer: string): void {
  writeFileSync(join(dir, 'answer.js'), `export const answer = ${JSON.stringify(answer)};\n`);
}

it('a reloaded plugin runs the new code of every file, not only of its entry module', async () => {
  root = mkdtempSync(join(tmpdir(), 'toolhost-reload-'));
  const dir = join(root, 'plugins', 'versioned');
  mkdirSync(join(root, 'manifests'), { recursive: true });
  writePlugin(dir, 'versioned', [
    "import { BaseTool, definePlugin, ok } from '@toolhost/plugin-sdk';",
    "import { answer } from './answer.js';",
    'class Versioned extends BaseTool { async which() { return ok({ answer }); } }',
    "export default definePlugin({ name: 'versioned', tools: { which: { description: 'which version', inputSchema: { type: 'object' } } }, create: (ctx) => new Versioned(ctx) });",
  ]);
  writeAnswer(dir, 'first');
  writeFileSync(
    join(root, 'manifests', 'versioned.json'),
    JSON.stringify({ name: 'versioned', enabled: true, source: { path: 'versioned' } }),
  );
  host = await startHostProcess({
    TOOLHOST_MANIFESTS_DIR: join(root, 'manifests'),
    TOOLHOST_PLUGINS_DIR: join(root, 'plugins'),
    TOOLHOST_DATA_DIR: join(root, 'data'),
    TOOLHOST_ADMIN_TOKEN: TOKEN,
    ...keysEnv(CLIENT),
    LOG_LEVEL: 'info',
  });
  const which = async () => {
    const response = await fetch(`${host?.url}/v1/tools/versioned.which/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(CLIENT) },
      body: '{"input":{}}',
    });
    return ((await response.json()) as { data: { answer: string } }).data.answer;
  };
  expect(await which()).toBe('first');

  writeAnswer(dir, 'second');
  const reload = await fetch(`${host.url}/v1/admin/plugins/versioned/reload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  expect(reload.status).toBe(200);
  expect(await which()).toBe('second');
});
