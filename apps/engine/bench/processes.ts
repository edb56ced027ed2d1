import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const engineDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * The node flags of `pnpm start` (package.json), so the bench measures the processes a deployment runs:
 * e.g. the 64 MB young generation (`--max-semi-space-size=64`): fewer scavenges for the allocation-heavy
 * recompute worker (one process 1,745-1,860 -> 1,883-2,000 accounts/s here).
 */
const startFlags: string[] = (() => {
  const pkg = JSON.parse(readFileSync(join(engineDir, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const words = pkg.scripts.start.split(/\s+/);
  return words.slice(words.indexOf('node') + 1, words.indexOf('src/main.ts'));
})();

/** Starts `src/main.ts --role <role>` as its own process; resolves once it reports it is up. */
export function startEngineProcess(
  role: 'api' | 'worker',
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string | undefined }> {
  // BENCH_NODE_ARGS: extra node flags for the engine processes, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`.
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const args = [...startFlags, ...extra, 'src/main.ts', '--role', role];
  const child = spawn('node', args, {
    cwd: engineDir,
    // Several worker processes on one machine: each takes a free ops port.
    env: { PATH: process.env.PATH ?? '', OPS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // BENCH_PROCESS_LOG=<dir>: each process's output also goes to <dir>/<role>-<pid>.log (e.g. with
  // BENCH_NODE_ARGS=--trace-gc, to see what its collections cost during the moves).
  const logDir = process.env.BENCH_PROCESS_LOG;
  if (logDir) {
    const log = createWriteStream(join(logDir, `${role}-${child.pid}.log`));
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  }
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of out.split('\n')) {
        if (line.includes('"engine listening"'))
          resolve({ child, url: (JSON.parse(line) as { url: string }).url });
        if (line.includes('"engine workers started"')) resolve({ child, url: undefined });
      }
    });
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) => reject(new Error(`engine ${role} exited (${code}): ${out.slice(-2000)}`)));
  });
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await done;
}
