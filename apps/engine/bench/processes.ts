import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const engineDir = fileURLToPath(new URL('..', import.meta.url));

/** Starts `src/main.ts --role <role>` as its own process; resolves once it reports it is up. */
export function startEngineProcess(
  role: 'api' | 'worker',
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string | undefined }> {
  // BENCH_NODE_ARGS: extra node flags for the engine processes, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`.
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  // The flags of `pnpm start` (package.json): a 64 MB young generation halves the scavenges of an
  // allocation-heavy recompute worker (1,745-1,860 -> 1,883-2,000 accounts/s for one process here).
  const args = [
    '--max-semi-space-size=64',
    ...extra,
    '--conditions=source',
    '--import',
    'tsx',
    'src/main.ts',
    '--role',
    role,
  ];
  const child = spawn('node', args, {
    cwd: engineDir,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
