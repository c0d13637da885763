import type { IncomingMessage } from 'node:http';
import type { Context } from 'koa';
import { findUnstorableText } from './findUnstorableText.js';
import { HttpProblem } from './problem.js';

const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9.+-]+\+)?json$/;
const CHARSET_PARAM = /;\s*charset\s*=\s*"?([^";\s]*)/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function checkMediaType(header: string): void {
  const semicolon = header.indexOf(';');
  const type = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  if (!JSON_MEDIA_TYPE.test(type)) {
    throw new HttpProblem(
      'TOOLHOST_HTTP_UNSUPPORTED_MEDIA_TYPE',
      `expected Content-Type application/json, got ${type === '' ? 'none' : `'${type}'`}`,
    );
  }
  if (semicolon === -1) return;
  const charset = CHARSET_PARAM.exec(header)?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new HttpProblem(
      'TOOLHOST_HTTP_UNSUPPORTED_MEDIA_TYPE',
      `expected charset utf-8, got '${charset}'`,
    );
  }
}

function tooLarge(limitBytes: number): HttpProblem {
  return new HttpProblem('TOOLHOST_HTTP_BODY_TOO_LARGE', `the body exceeds ${limitBytes} bytes`);
}

function readBytes(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    function onData(chunk: Buffer): void {
      size += chunk.length;
      if (size > limitBytes) {
        // Stay flowing: the rest is discarded rather than left in the socket.
        cleanup();
        reject(tooLarge(limitBytes));
        return;
      }
      chunks.push(chunk);
    }
    function onEnd(): void {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    }
    function onError(error: Error): void {
      cleanup();
      reject(
        new HttpProblem('TOOLHOST_HTTP_BAD_REQUEST', 'the request body could not be read', {
          cause: error,
        }),
      );
    }
    function onClose(): void {
      cleanup();
      reject(new HttpProblem('TOOLHOST_HTTP_BAD_REQUEST', 'the request body was cut short'));
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * Reads and parses a JSON request body of at most `limitBytes`.
 * @throws HttpProblem 415 for a non-JSON type or an encoded body, 413 over the limit,
 *   400 TOOLHOST_HTTP_MALFORMED_JSON for an empty body, invalid UTF-8 or invalid JSON,
 *   400 TOOLHOST_HTTP_INVALID_BODY for a string holding NUL or an unpaired surrogate.
 */
export async function readJsonBody(ctx: Context, limitBytes: number): Promise<unknown> {
  checkMediaType(ctx.get('Content-Type'));
  const encoding = ctx.get('Content-Encoding');
  if (encoding !== '' && encoding.toLowerCase() !== 'identity') {
    throw new HttpProblem(
      'TOOLHOST_HTTP_UNSUPPORTED_MEDIA_TYPE',
      `Content-Encoding '${encoding}' is not supported`,
    );
  }
  const declared = ctx.get('Content-Length');
  if (declared !== '' && Number(declared) > limitBytes) throw tooLarge(limitBytes);

  const bytes = await readBytes(ctx.req, limitBytes);
  if (bytes.length === 0)
    throw new HttpProblem('TOOLHOST_HTTP_MALFORMED_JSON', 'the body is empty');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new HttpProblem('TOOLHOST_HTTP_MALFORMED_JSON', 'the body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error: unknown) {
    throw new HttpProblem(
      'TOOLHOST_HTTP_MALFORMED_JSON',
      error instanceof SyntaxError ? error.message : 'the body is not valid JSON',
    );
  }
  const field = findUnstorableText(text, value);
  if (field !== null) {
    throw new HttpProblem(
      'TOOLHOST_HTTP_INVALID_BODY',
      `field "${field}" holds a NUL character or an unpaired surrogate, which the host does not accept`,
    );
  }
  return value;
}
