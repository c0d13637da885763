export { createApp } from './createApp.js';
export type { HttpDeps, ReadinessReport } from './HttpDeps.js';
export { HTTP_PROBLEMS, type HttpProblemCode, type ProblemDocument } from './problem.js';
export {
  DEFAULT_CLOSE_GRACE_MS,
  startHttpServer,
  type HttpApp,
  type ListenOptions,
  type RunningHttpServer,
} from './startHttpServer.js';
