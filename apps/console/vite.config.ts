import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * Writes a `.gz` beside every text asset (the engine sends it to browsers that accept gzip) and prints
 * what the first page load transfers: index.html plus the assets it references, gzipped.
 */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'xmargin-precompress',
    apply: 'build',
    configResolved(c) {
      outDir = c.build.outDir;
    },
    closeBundle() {
      const sizes = new Map<string, number>();
      const walk = (dir: string) => {
        for (const e of readdirSync(dir, { withFileTypes: true })) {
          const p = join(dir, e.name);
          if (e.isDirectory()) walk(p);
          else if (/\.(js|css|html|svg|json)$/.test(e.name)) {
            const gz = gzipSync(readFileSync(p), { level: 9 });
            writeFileSync(`${p}.gz`, gz);
            sizes.set(p.slice(outDir.length + 1), gz.length);
          }
        }
      };
      walk(outDir);
      const html = readFileSync(join(outDir, 'index.html'), 'utf8');
      const initial = [
        'index.html',
        ...[...html.matchAll(/(?:src|href)="\/console\/([^"]+)"/g)].map((m) => m[1] ?? ''),
      ];
      const total = initial.reduce((s, f) => s + (sizes.get(f) ?? 0), 0);
      process.stdout.write(
        `console initial load: ${(total / 1024).toFixed(1)} kB gzipped (${initial.join(', ')}); budget 500 kB\n`,
      );
    },
  };
}

// Served by the engine under /console (apps/engine/src/http/console.ts); `pnpm dev` proxies the API.
export default defineConfig({
  base: '/console/',
  plugins: [react(), precompress()],
  resolve: { conditions: ['source'] },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1_500 },
  server: { proxy: { '/v1': process.env.ENGINE_URL ?? 'http://127.0.0.1:8080' } },
});
