// Entry of a plugin's worker_threads Worker (started by sandbox/launchWorker).
import { parentPort, workerData } from 'node:worker_threads';
import type { Peer } from '../protocol/Peer.js';
import { peerOverPort } from '../protocol/portTransport.js';
import { runnerRebuild } from './runnerRebuild.js';
import type { RunnerData } from './RunnerData.js';
import { installSdkResolution } from './sdkResolution.js';
import { servePlugin, type RunnerSdk } from './servePlugin.js';

const data = workerData as RunnerData;
installSdkResolution(data);
const sdk = (await import(data.sdkUrl)) as RunnerSdk;
if (parentPort === null) throw new Error('workerEntry runs only inside a worker');
const peer: Peer = peerOverPort(parentPort, {
  handlers: servePlugin(() => peer, sdk),
  rebuild: runnerRebuild(sdk),
  answersPings: true,
});
