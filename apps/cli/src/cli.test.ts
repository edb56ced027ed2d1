import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { memoryIo } from './memory-io.js';

describe('xmargin dispatcher', () => {
  it('lists commands on help and exits 0', async () => {
    const io = memoryIo();
    expect(await runCli(['help'], io)).toBe(0);
    expect(io.out).toContain('usage: xmargin <command>');
    expect(io.out).toContain('margin');
  });

  it('exits 2 with usage on no command or an unknown one', async () => {
    const io = memoryIo();
    expect(await runCli([], io)).toBe(2);
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(io.err).toContain('unknown command "frobnicate"');
  });

  it('runs as a real process through `pnpm xmargin`', () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const r = spawnSync('node', ['--conditions=source', '--import', 'tsx', 'apps/cli/src/bin.ts', 'help'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('usage: xmargin');
  });
});
