import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply } from 'fastify';
import type { App } from './app.js';

/** Where `pnpm --filter @xmargin/console build` writes the console. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
  '.ico': 'image/x-icon',
};

const NOT_BUILT =
  '<!doctype html><title>xmargin console</title><p>The console is not built: run <code>pnpm --filter @xmargin/console build</code>.</p>';

const acceptsGzip = (header: string | undefined) => header !== undefined && /\bgzip\b/.test(header);

/** A file of the build, gzipped when the client accepts it and the build wrote a `.gz` beside it. */
function sendFile(reply: FastifyReply, file: string, gzip: boolean) {
  reply.type(TYPES[extname(file)] ?? 'application/octet-stream');
  reply.header('vary', 'accept-encoding');
  const gz = `${file}.gz`;
  if (gzip && existsSync(gz)) {
    reply.header('content-encoding', 'gzip');
    return reply.send(readFileSync(gz));
  }
  return reply.send(readFileSync(file));
}

/**
 * Serves the admin console's static build under /console (public files: the console holds no data
 * and no key; it asks the operator for one and calls the API with it). Paths that are not files get
 * index.html, so every console page is linkable. Hashed assets are cached for good; index.html never.
 */
export function registerConsole(app: App, dist: string = CONSOLE_DIST): void {
  const root = resolve(dist);
  app.get('/console', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/'));
  app.get('/console/*', { schema: { hide: true } }, async (request, reply) => {
    const rel = normalize(decodeURIComponent((request.params as { '*': string })['*'] ?? ''));
    const file = resolve(root, rel);
    const gzip = acceptsGzip(request.headers['accept-encoding']);
    if (file.startsWith(root + sep) && extname(file) !== '' && existsSync(file)) {
      if (rel.startsWith(`assets${sep}`))
        reply.header('cache-control', 'public, max-age=31536000, immutable');
      return sendFile(reply, file, gzip);
    }
    reply.header('cache-control', 'no-cache');
    const index = join(root, 'index.html');
    if (!existsSync(index)) return reply.type(TYPES['.html'] ?? 'text/html').send(NOT_BUILT);
    return sendFile(reply, index, gzip);
  });
}
