import { type ChildProcess, spawn } from 'node:child_process';
import { repoRoot } from './repo-root.js';

export interface ServiceProcessOptions {
  /** Short name used in messages (`engine`, `relayer`). */
  readonly name: string;
  /** Entry file relative to the repository root, run from source with tsx. */
  readonly entry: string;
  readonly args?: readonly string[];
  /** Environment of the child: only these variables plus PATH/HOME (no inherited configuration). */
  readonly env: Readonly<Record<string, string>>;
  /** Each output line (stdout and stderr), e.g. for progress display. */
  readonly onLine?: (line: string) => void;
  /** Lines of output kept for failure messages (default 200). */
  readonly keepLines?: number;
}

export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  /** The last lines the child wrote (stdout and stderr interleaved). */
  output(): string;
  /** Exit code once exited (null while running or when killed by a signal). */
  readonly exitCode: number | null;
  readonly exited: boolean;
  /** Resolves when the child has exited. */
  readonly done: Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 s); resolves once the child is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Runs an app as a real child process (`node --conditions=source --import tsx <entry>`), the way an
 * operator runs it: configured by environment variables, talked to over HTTP. Output is captured (never
 * written to our console, which tests forbid) and attached to failures.
 */
export function startServiceProcess(opts: ServiceProcessOptions): ServiceProcess {
  const env: Record<string, string> = { ...opts.env };
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'SystemRoot']) {
    const v = process.env[k];
    if (v !== undefined && env[k] === undefined) env[k] = v;
  }
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', opts.entry, ...(opts.args ?? [])],
    { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const keep = opts.keepLines ?? 200;
  const lines: string[] = [];
  const collect = (stream: NodeJS.ReadableStream | null) => {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (lines.length > keep) lines.shift();
        opts.onLine?.(line);
      }
    });
  };
  collect(child.stdout);
  collect(child.stderr);
  let exited = false;
  // Never leave an orphan behind when our own process ends without stopping the child first.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const done = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      process.removeListener('exit', killOnExit);
      resolve();
    });
    child.once('error', (err) => {
      lines.push(`spawn error: ${String(err)}`);
      exited = true;
      resolve();
    });
  });
  let stopping: Promise<void> | undefined;
  return {
    name: opts.name,
    pid: child.pid ?? -1,
    output: () => lines.join('\n'),
    get exitCode() {
      return child.exitCode;
    },
    get exited() {
      return exited;
    },
    done,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        if (exited) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await done;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** Rejects as soon as the child exits (used to race a readiness wait against a crash). */
export async function exitedEarly(p: ServiceProcess): Promise<never> {
  await p.done;
  throw new Error(`${p.name} exited with code ${p.exitCode ?? 'null'} while starting:\n${p.output()}`);
}
