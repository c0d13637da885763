import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Router } from '@koa/router';
import type { ParameterizedContext } from 'koa';
import type { HttpState } from './HttpState.js';
import { HttpProblem } from './problem.js';

/** `host/console/`, from `host/src/http` and from `host/dist/http` alike. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../console/', import.meta.url));

/**
 * No inline script or style, nothing from another origin, no framing, no form posts: what the
 * page renders is text, and even markup that slipped through could not run.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const ASSET = /^[a-z][a-zA-Z0-9_-]{0,63}\.(js|css|png|svg)$/;
const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  png: 'image/png',
  svg: 'image/svg+xml',
};

function secure(ctx: ParameterizedContext<HttpState>): void {
  ctx.set({
    'Content-Security-Policy': CONSOLE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
  });
}

async function serve(
  ctx: ParameterizedContext<HttpState>,
  file: string,
  type: string,
): Promise<void> {
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new HttpProblem(
      'TOOLHOST_HTTP_NOT_FOUND',
      file.endsWith('.js')
        ? `no console asset '${ctx.params['file'] ?? ''}' (is the console built? npm run build)`
        : `no console asset '${ctx.params['file'] ?? ''}'`,
    );
  }
  secure(ctx);
  ctx.type = type;
  ctx.body = body;
}

/**
 * `GET /console` (the page) and `GET /console/assets/:file` (its scripts, built by `tsc -b`
 * into `dist/`, and its style sheet in `public/`). Public like `/healthz`: the page holds
 * no secret; every call it makes carries the operator's admin key.
 */
export function consoleRoutes(router: Router<HttpState>, dir = DEFAULT_CONSOLE_DIR): void {
  const page = (ctx: ParameterizedContext<HttpState>) =>
    serve(ctx, join(dir, 'public', 'index.html'), 'text/html; charset=utf-8');
  router.get('/console', page);
  router.get('/console/', page);
  router.get('/console/assets/:file', async (ctx) => {
    const file = ctx.params['file'] ?? '';
    const match = ASSET.exec(file);
    if (match === null)
      throw new HttpProblem('TOOLHOST_HTTP_NOT_FOUND', `no console asset '${file}'`);
    const kind = match[1] ?? 'js';
    await serve(
      ctx,
      join(dir, kind === 'js' ? 'dist' : 'public', file),
      TYPES[kind] ?? 'text/plain',
    );
  });
}
