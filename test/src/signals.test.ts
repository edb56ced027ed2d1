import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteRedisPrefix, freePort, repoRoot, waitFor } from './harness/index.js';

const REDIS_URL_TEST = process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379';

// The start scripts as an operator runs them (`pnpm --filter ... start`, `pnpm demo`): one signal to the
// pnpm process must stop the app it started. pnpm forwards signals to its direct child only, so each
// script `exec`s node instead of leaving a shell in between that would keep running orphaned.

interface Started {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly exited: Promise<number | null>;
}

function startPnpm(args: readonly string[], env: Record<string, string>): Started {
  const child = spawn('pnpm', [...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  for (const s of [child.stdout, child.stderr]) {
    s?.setEncoding('utf8');
    s?.on('data', (chunk: string) => lines.push(...chunk.split('\n')));
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Pids of every live process whose parent chain leads to `root` (read from /proc). */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(entry), ppid);
    } catch {
      // the process ended while we read
    }
  }
  const out: number[] = [];
  for (const pid of parent.keys()) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === root) {
        out.push(pid);
        break;
      }
    }
  }
  return out;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function expectOneSignalStopsAll(started: Started, signal: NodeJS.Signals, readyLine: RegExp) {
  const pid = started.child.pid ?? -1;
  const ready = waitFor(
    () => Promise.resolve(started.lines.some((l) => readyLine.test(l)) ? true : undefined),
    {
      what: `ready line ${readyLine}`,
      timeoutMs: 180_000,
      intervalMs: 200,
    },
  );
  const early = started.exited.then((code) => {
    throw new Error(`the script exited (${code}) before it was ready`);
  });
  await Promise.race([ready, early]).catch((err: unknown) => {
    started.child.kill('SIGKILL');
    throw new Error(`${String(err)}\n${started.lines.join('\n')}`);
  });
  early.catch(() => undefined);
  const children = descendants(pid);
  expect(children.length).toBeGreaterThan(0);
  started.child.kill(signal);
  const code = await started.exited;
  // Every process the script started is gone too (no orphan reparented to init).
  await waitFor(() => Promise.resolve(children.every((c) => !alive(c)) ? true : undefined), {
    what: `children of pnpm (${children.join(',')}) to exit after ${signal}`,
    timeoutMs: 30_000,
    intervalMs: 100,
  }).catch((err: unknown) => {
    for (const c of children) if (alive(c)) process.kill(c, 'SIGKILL');
    throw err;
  });
  return code;
}

describe('start scripts stop on one signal', () => {
  it('SIGTERM to `pnpm --filter @xmargin/engine start` stops the engine', { timeout: 240_000 }, async () => {
    const prefix = `test-signals-${randomBytes(4).toString('hex')}`;
    const dir = mkdtempSync(join(tmpdir(), 'xmargin-signals-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    cleanups.push(() => deleteRedisPrefix(REDIS_URL_TEST, prefix));
    const started = startPnpm(['--filter', '@xmargin/engine', 'start', '--', '--role', 'all'], {
      REDIS_URL: REDIS_URL_TEST,
      QUEUE_PREFIX: prefix,
      PGLITE_DIR: join(dir, 'db'),
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    });
    const code = await expectOneSignalStopsAll(started, 'SIGTERM', /engine listening/);
    expect(started.lines.join('\n')).toContain('"signal":"SIGTERM"');
    expect(code).not.toBe(null);
  });

  it('SIGTERM to `pnpm --filter @xmargin/relayer start` stops the relayer', {
    timeout: 120_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xmargin-signals-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const started = startPnpm(['--filter', '@xmargin/relayer', 'start'], {
      // Nothing answers on these: the relayer starts, retries in the background and must still stop.
      ENGINE_URL: `http://127.0.0.1:${await freePort()}`,
      GUARDIAN_URL: `http://127.0.0.1:${await freePort()}`,
      RELAYER_API_KEY: 'xm_relayer_signals_test',
      RELAYER_PORT: String(await freePort()),
      CURSOR_FILE: join(dir, 'cursors.json'),
      RELAYER_EMITTERS: `2:${'ab'.repeat(20)}`,
      LOG_LEVEL: 'info',
    });
    await expectOneSignalStopsAll(started, 'SIGTERM', /relayer started/);
  });

  it('SIGINT to `pnpm demo` stops the demo and everything it started', { timeout: 240_000 }, async () => {
    const started = startPnpm(['demo'], { REDIS_URL: REDIS_URL_TEST });
    const code = await expectOneSignalStopsAll(started, 'SIGINT', /Running until Ctrl-C/);
    expect(started.lines.join('\n')).toContain('stopping (Ctrl-C)');
    expect(code).toBe(0);
  });
});
