import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The engine serves the admin console's build (apps/console/dist): build it once if it is missing. */
export function ensureConsoleBuild(out: (text: string) => void): void {
  if (existsSync(`${root}apps/console/dist/index.html`)) return;
  out('building the admin console (pnpm --filter @xmargin/console build)\n');
  execFileSync('pnpm', ['--filter', '@xmargin/console', 'build'], { cwd: root, stdio: 'ignore' });
}
