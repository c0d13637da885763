// The ceiling for the message-path benchmark: a bare Koa 3 JSON endpoint, body parsed,
// nothing else. Prints its URL on stdout.
import Koa from 'koa';

const app = new Koa();
app.use(async (ctx) => {
  let raw = '';
  for await (const chunk of ctx.req) raw += chunk;
  const body = JSON.parse(raw || '{}');
  ctx.body = {
    reply: `echo: ${String(body.text ?? '')}`,
    sessionId: ctx.path.split('/')[3] ?? null,
  };
});
const server = app.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
