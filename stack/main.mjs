// `npm run stack`: starts the docker-compose topology on loopback (see startStack.mjs),
// prints where each part listens, and stops it all on SIGINT or SIGTERM.
// STACK_DATABASE_URL / STACK_REDIS_URL: the PostgreSQL (admin URL) and Redis to use;
// STACK_HOST_PORTS=8080,8081 fixes the hosts' ports (default: free ports);
// STACK_VERBOSE=1 echoes the hosts' log lines.
import { startStack } from './startStack.mjs';

const ports = (process.env.STACK_HOST_PORTS ?? '0,0').split(',').map(Number);
if (ports.length !== 2 || ports.some((p) => !Number.isInteger(p) || p < 0 || p > 65535)) {
  console.error('stack: STACK_HOST_PORTS must be two ports, like 8080,8081');
  process.exit(2);
}
const verbose = process.env.STACK_VERBOSE === '1';

let stack;
try {
  stack = await startStack({
    databaseUrl: process.env.STACK_DATABASE_URL ?? process.env.TEST_DATABASE_URL,
    redisUrl: process.env.STACK_REDIS_URL ?? process.env.TEST_REDIS_URL,
    hostPorts: ports,
    onLine: (host, line) => {
      if (verbose) console.log(`[host ${host}] ${line}`);
    },
  });
} catch (error) {
  console.error(`stack: could not start: ${error?.message ?? error}`);
  process.exit(1);
}

const [a, b] = stack.hosts;
console.log(`toolhost stack is up
  host A      ${a}
  host B      ${b}
  PostgreSQL  ${stack.postgres}
  Redis       ${stack.redis}
  registry    ${stack.registry}
  OTLP        ${stack.otlp}  (spans: GET ${stack.otlp}/v1/spans?traceId=…)
  S3          ${stack.s3.endpoint}  (AUDIT_BLOB_URL=s3://${stack.s3.bucket}/${stack.s3.prefix})
  admin token ${stack.adminToken}
  client key  ${stack.clientKey}
Ctrl-C stops everything and drops the stack's database.`);
// One machine-readable line for scripts and tests.
console.log(
  `stack ready ${JSON.stringify({
    hosts: stack.hosts,
    postgres: stack.postgres,
    redis: stack.redis,
    registry: stack.registry,
    otlp: stack.otlp,
    s3: stack.s3,
    adminToken: stack.adminToken,
    clientKey: stack.clientKey,
  })}`,
);

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`stack: ${signal}: stopping`);
  const codes = await Promise.all(stack.hostProcesses.map((h) => h.stop()));
  await stack.stop();
  const clean = codes.every((code) => code === 0);
  console.log(clean ? 'stack: stopped' : `stack: stopped (host exit codes ${codes.join(', ')})`);
  process.exit(clean ? 0 : 1);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
for (const host of stack.hostProcesses) {
  host.child.once('exit', (code) => {
    if (!stopping) {
      console.error(`stack: host ${host.name} exited with ${code}; stopping the stack`);
      void shutdown('host exit');
    }
  });
}
