// Entry of a plugin's confined child process (started by sandbox/launchProcess).
// argv: <SDK entry URL> <SDK ./testing URL>; the protocol runs on fd 3.
import { Socket } from 'node:net';
import type { Peer } from '../protocol/Peer.js';
import { peerOverStream } from '../protocol/streamTransport.js';
import { runnerRebuild } from './runnerRebuild.js';
import { installSdkResolution } from './sdkResolution.js';
import { servePlugin, type RunnerSdk } from './servePlugin.js';

const REFUSED_SCOPES = ['fs.write', 'child', 'worker', 'addon', 'wasi', 'inspector'];
const EXIT_UNCONFINED = 78;
const EXIT_PROTOCOL = 70;

const [sdkUrl = '', testingUrl = ''] = process.argv.slice(2);
// bwrap always sets PWD; the plugin gets an empty environment.
delete process.env['PWD'];
const permission = process.permission;
if (!permission || REFUSED_SCOPES.some((scope) => permission.has(scope as 'fs.write'))) {
  process.stderr.write('the permission model is not in force: refusing to run a plugin\n');
  process.exit(EXIT_UNCONFINED);
}
installSdkResolution({ sdkUrl, testingUrl });
const sdk = (await import(sdkUrl)) as RunnerSdk;
const socket = new Socket({ fd: 3, readable: true, writable: true });
const peer: Peer = peerOverStream(socket, {
  handlers: servePlugin(() => peer, sdk),
  rebuild: runnerRebuild(sdk),
  answersPings: true,
  onViolation: () => process.exit(EXIT_PROTOCOL),
});
// The host went away: nothing is left to serve.
socket.on('end', () => process.exit(0));
socket.on('error', () => process.exit(0));
