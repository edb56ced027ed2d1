import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../harness/index.js';

export const CONSOLE_DIST = join(repoRoot, 'apps', 'console', 'dist');

/** The engine serves the console's build: build it when this checkout has none yet. */
export function ensureConsoleBuilt(): void {
  if (existsSync(join(CONSOLE_DIST, 'index.html'))) return;
  execFileSync('pnpm', ['--filter', '@xmargin/console', 'build'], { cwd: repoRoot, stdio: 'ignore' });
}
