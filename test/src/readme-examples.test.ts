import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './harness/index.js';

// Every `pnpm -s xmargin ...` example of the README runs as written (from the repository root, with
// shared/ beside it as in CI) and succeeds: the sample files it names exist and verify.

function readmeCommands(): string[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  const commands: string[] = [];
  for (const block of blocks) {
    const lines = block.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i]?.startsWith('pnpm -s xmargin ')) continue;
      let command = lines[i] as string;
      while (command.trimEnd().endsWith('\\') && i + 1 < lines.length) command = `${command}\n${lines[++i]}`;
      commands.push(command);
    }
  }
  return commands;
}

describe('README CLI examples', () => {
  const commands = readmeCommands();

  it('are found (the README shows the CLI)', () => {
    expect(commands.length).toBeGreaterThanOrEqual(8);
  });

  it.each(commands.map((c) => [c.split('\n')[0]?.slice(0, 80) ?? c, c]))(
    '%s',
    { timeout: 120_000 },
    (_, command) => {
      const r = spawnSync('bash', ['-c', `set -o pipefail; ${command}`], { cwd: repoRoot, encoding: 'utf8' });
      expect(r.stderr, command).toBe('');
      expect(r.status, `${command}\n${r.stdout.slice(0, 2000)}`).toBe(0);
      if (!/>\s*"?\$\{?TMPDIR/.test(command)) expect(r.stdout.length).toBeGreaterThan(0);
    },
  );
});
