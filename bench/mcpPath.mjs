// toolhost benchmark P7 (issue 15): a no-op tool called by the MCP SDK's client through the
// host's /mcp (Streamable HTTP, API key, the call wrapper: validation, policies, span, log
// lines, metrics) beside the same tool behind a plain MCP SDK Streamable HTTP server, in
// this one run on this machine. Run with `npm run bench` (it builds first; this script
// boots the compiled host from host/dist).
//
// 3 repetitions, each with fresh MCP sessions on both servers, the two cases interleaved in
// 10 rounds (order rotated per repetition); per case and repetition: sequential latency
// (median, p99). The ratio is host / plain of the same round; min/median/max over the
// repetitions. Target: the host adds at most 25% latency (ratio <= 1.25).
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (path) => new URL(`../host/dist/${path}`, import.meta.url);
const { startHost } = await import(dist('startHost.js'));
const { loadSettings } = await import(dist('config/loadSettings.js'));
const { createLogger } = await import(dist('telemetry/createLogger.js'));
const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } =
  await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
const { McpServer } = await import('@modelcontextprotocol/sdk/server/mcp.js');
const { StreamableHTTPServerTransport } =
  await import('@modelcontextprotocol/sdk/server/streamableHttp.js');
const { isInitializeRequest } = await import('@modelcontextprotocol/sdk/types.js');
const { z } = await import('zod');

const REPS = Number(process.env['BENCH_P7_REPS'] ?? 3);
const SEQUENTIAL = Number(process.env['BENCH_P7_SEQUENTIAL'] ?? 2_000);
const WARMUP = Number(process.env['BENCH_P7_WARMUP'] ?? 1_000);
const ROUNDS = Number(process.env['BENCH_P7_ROUNDS'] ?? 10);
const TARGET = 1.25;
const KEY = 'bench-key-for-the-mcp-path-0001';

// ---------------------------------------------------------------- the host, as `npm start` runs it
const scratch = mkdtempSync(join(tmpdir(), 'toolhost-bench-p7-'));
const manifestsDir = join(scratch, 'manifests');
mkdirSync(manifestsDir);
writeFileSync(
  join(manifestsDir, 'noop.json'),
  JSON.stringify({
    name: 'noop',
    enabled: true,
    source: { path: fileURLToPath(new URL('./fixtures/noop/', import.meta.url)) },
    isolation: 'inline',
  }),
);
let logLines = 0;
const discard = new Writable({
  decodeStrings: false,
  write(_chunk, _encoding, done) {
    logLines += 1;
    done();
  },
});
const host = await startHost(
  loadSettings({
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: process.env['BENCH_P7_LOG_LEVEL'] ?? 'info',
    TOOLHOST_MANIFESTS_DIR: manifestsDir,
    TOOLHOST_PLUGINS_DIR: join(scratch, 'plugins'),
    TOOLHOST_DATA_DIR: join(scratch, 'data'),
    TOOLHOST_WATCH_MANIFESTS: 'false',
    TOOLHOST_API_KEYS: JSON.stringify([{ name: 'bench', key: KEY, scopes: ['tools'] }]),
  }),
  { logger: createLogger(process.env['BENCH_P7_LOG_LEVEL'] ?? 'info', discard) },
);

// ---------------------------------------------------------------- the peer: a plain SDK server
function plainServer() {
  const sessions = new Map();
  const server = createServer(async (req, res) => {
    const id = req.headers['mcp-session-id'];
    let transport = typeof id === 'string' ? sessions.get(id) : undefined;
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = chunks.length === 0 ? undefined : JSON.parse(Buffer.concat(chunks).toString());
    if (transport === undefined) {
      if (!isInitializeRequest(body)) {
        res.writeHead(400).end();
        return;
      }
      const mcp = new McpServer({ name: 'plain', version: '1.0.0' });
      mcp.registerTool(
        'noop',
        {
          description: 'Answers its input',
          inputSchema: { n: z.number().int() },
          outputSchema: { n: z.number().int() },
          annotations: { readOnlyHint: true, idempotentHint: true },
        },
        async ({ n }) => ({
          content: [{ type: 'text', text: `{"n":${n}}` }],
          structuredContent: { n },
        }),
      );
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (sessionId) => sessions.set(sessionId, transport),
      });
      transport.onclose = () => sessions.delete(transport.sessionId);
      await mcp.connect(transport);
    }
    await transport.handleRequest(req, res, body);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${server.address().port}/mcp` }),
    ),
  );
}
const plain = await plainServer();

async function connect(url, tool, headers = {}) {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: 'bench-client', version: '0.0.1' });
  await client.connect(transport);
  await client.listTools();
  return {
    call: async (n) => {
      const result = await client.callTool({ name: tool, arguments: { n } });
      if (result.isError || result.structuredContent?.n !== n)
        throw new Error(`${url}: the call failed`);
    },
    close: async () => {
      await transport.terminateSession();
      await client.close();
    },
  };
}

const cases = {
  plain_sdk_http: {
    description:
      "MCP SDK client.callTool over Streamable HTTP to the SDK's own McpServer (one session)",
    open: () => connect(plain.url, 'noop'),
  },
  toolhost_mcp: {
    description:
      "the same client to the host's /mcp: API key, session table, tools/call span, the call wrapper (validation, bulkhead, breaker, retry, deadline, output validation, span, log lines, metrics), access log",
    open: () => connect(`${host.url}/mcp`, 'noop.noop', { authorization: `Bearer ${KEY}` }),
  },
};
const names = Object.keys(cases);

// ---------------------------------------------------------------- measuring
const round = (x, places = 2) => Math.round(x * 10 ** places) / 10 ** places;
const medianOf = (values) => Float64Array.from(values).sort()[Math.floor(values.length / 2)];

async function sequential(call, count) {
  const times = new Float64Array(count);
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await call(i);
    times[i] = performance.now() - started;
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort();
  const at = (q) => times[Math.min(count - 1, Math.floor(q * count))] * 1000;
  return {
    median_us: round(at(0.5)),
    p99_us: round(at(0.99)),
    cpu_us_per_call: round((cpu.user + cpu.system) / count),
  };
}

const reps = [];
for (let rep = 0; rep < REPS; rep++) {
  const order = names.map((_, i) => names[(i + rep) % names.length]);
  const open = {};
  for (const name of order) {
    open[name] = await cases[name].open();
    await sequential(open[name].call, WARMUP);
  }
  const rounds = Object.fromEntries(names.map((name) => [name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const name of order) {
      rounds[name].push(await sequential(open[name].call, Math.ceil(SEQUENTIAL / ROUNDS)));
    }
  }
  const figures = {};
  for (const name of names) {
    const seq = rounds[name];
    figures[name] = {
      median_us: round(medianOf(seq.map((x) => x.median_us))),
      p99_us: round(medianOf(seq.map((x) => x.p99_us))),
      cpu_us_per_call: round(medianOf(seq.map((x) => x.cpu_us_per_call))),
      ratio_to_plain: medianOf(seq.map((x, i) => x.median_us / rounds.plain_sdk_http[i].median_us)),
    };
  }
  for (const name of names) await open[name].close();
  reps.push(figures);
  console.log(`repetition ${rep + 1}/${REPS}: ${JSON.stringify(figures)}`);
}

const spread = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    min: round(sorted[0], 3),
    median: round(sorted[Math.floor(sorted.length / 2)], 3),
    max: round(sorted[sorted.length - 1], 3),
  };
};
const latency = spread(reps.map((r) => r.toolhost_mcp.ratio_to_plain));
if (logLines === 0 && !process.env['BENCH_P7_LOG_LEVEL'])
  throw new Error('the host wrote no log line: it was not measured whole');
const report = {
  when: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  loadavg: loadavg().map((x) => round(x)),
  repetitions: REPS,
  sequential_calls: SEQUENTIAL,
  cases: Object.fromEntries(
    names.map((name) => [
      name,
      {
        description: cases[name].description,
        sequential_median_us: spread(reps.map((r) => r[name].median_us)),
        sequential_p99_us: spread(reps.map((r) => r[name].p99_us)),
        process_cpu_us_per_call: spread(reps.map((r) => r[name].cpu_us_per_call)),
      },
    ]),
  ),
  targets: {
    P7_mcp_latency: {
      description: 'toolhost_mcp vs plain_sdk_http sequential median latency, per repetition',
      latency_ratio: { ...latency, target: `<= ${TARGET}`, pass: latency.median <= TARGET },
    },
  },
};
mkdirSync(`${root}bench/results`, { recursive: true });
writeFileSync(`${root}bench/results/mcpPath.json`, `${JSON.stringify(report, null, 2)}\n`);
console.log(
  `P7_mcp_latency: ${latency.min}/${latency.median}/${latency.max} x plain SDK HTTP (target <= ${TARGET}) ${latency.median <= TARGET ? 'PASS' : 'FAIL'}`,
);
console.log('written to bench/results/mcpPath.json');

await new Promise((resolve) => plain.server.close(resolve));
await host.stop();
rmSync(scratch, { recursive: true, force: true });
