#!/usr/bin/env node
// `pnpm bench`: runs every package's `vitest bench` files in one process each and prints their figures.
// Figures are printed, never asserted: these machines are shared and noisy, so compare ratios measured
// within one run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['packages', 'apps'];
const only = process.argv.slice(2);
let failed = false;
let ran = 0;
for (const root of roots) {
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    const script = join(dir, 'bench', 'run.ts');
    if (!existsSync(script)) continue;
    if (only.length > 0 && !only.includes(name)) continue;
    ran++;
    process.stdout.write(`\n=== ${dir} ===\n`);
    const r = spawnSync('node', ['--conditions=source', '--import', 'tsx', 'bench/run.ts'], {
      stdio: 'inherit',
      cwd: dir,
    });
    if (r.status !== 0) failed = true;
  }
}
if (ran === 0) process.stdout.write('no benchmarks yet\n');
process.exit(failed ? 1 : 0);
