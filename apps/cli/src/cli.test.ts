import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { commands } from './commands/index.js';
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

  it('--version prints the package version', async () => {
    const io = memoryIo();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(io.out).toMatch(/^xmargin \d+\.\d+\.\d+\n$/);
  });

  it('every command has a --help that describes each of its flags', async () => {
    for (const c of commands) {
      const io = memoryIo();
      expect(await runCli([c.name, '--help'], io), c.name).toBe(0);
      expect(io.out).toContain(`usage: xmargin ${c.name}`);
      expect(io.out).toContain(c.summary);
      for (const [flag, spec] of Object.entries(c.options)) {
        expect(spec.description.length, `${c.name} --${flag}`).toBeGreaterThan(8);
        expect(io.out).toMatch(
          new RegExp(`--${flag}\\b.*  ${spec.description.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
        );
      }
      expect(io.out).toContain('--help');
      // `xmargin help <command>` prints the same.
      const again = memoryIo();
      expect(await runCli(['help', c.name], again)).toBe(0);
      expect(again.out).toBe(io.out);
    }
  });

  it('help --json lists every command with its flags', async () => {
    const io = memoryIo();
    expect(await runCli(['help', '--json'], io)).toBe(0);
    const doc = JSON.parse(io.out) as { commands: { name: string; options: Record<string, unknown> }[] };
    expect(doc.commands.map((c) => c.name)).toEqual(commands.map((c) => c.name));
    expect(Object.keys(doc.commands.find((c) => c.name === 'ccq')?.options ?? {})).toContain('expect-evm');
  });

  it('flag errors name the flag and point to --help', async () => {
    const io = memoryIo();
    expect(await runCli(['vaa', 'verify', '--trust'], io)).toBe(2);
    expect(io.err).toContain("Option '--trust <value>' argument missing");
    expect(io.err).toContain('xmargin vaa --help');
    const io2 = memoryIo();
    expect(await runCli(['stress', 'a.json', '--fast'], io2)).toBe(2);
    expect(io2.err).toContain("Unknown option '--fast'");
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
