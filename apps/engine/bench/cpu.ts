import { readdirSync, readFileSync } from 'node:fs';

// Linux process CPU accounting from /proc: user + system clock ticks of a set of processes, so the
// bench can say where the CPU of a recompute goes (worker processes, Postgres, Redis). Returns 0 where
// /proc is unavailable.
const TICK_MS = 10; // USER_HZ is 100 on Linux

function ticksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime, stime
  } catch {
    return 0;
  }
}

/**
 * Pids whose command name is `name` (e.g. every Postgres process: `postgres`), optionally only those
 * whose command line passes `filter` (Postgres retitles its processes: `postgres: 15/main: walwriter`).
 */
export function pidsNamed(name: string, filter?: (cmdline: string) => boolean): number[] {
  const out: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readFileSync(`/proc/${e}/comm`, 'utf8').trim() !== name) continue;
      if (filter && !filter(readFileSync(`/proc/${e}/cmdline`, 'utf8').replaceAll('\0', ' '))) continue;
      out.push(Number(e));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** CPU milliseconds used so far by each process of each group (groups re-resolved on every call). */
export function cpuMs(groups: Record<string, () => number[]>): Record<string, Map<number, number>> {
  const out: Record<string, Map<number, number>> = {};
  for (const [name, pids] of Object.entries(groups))
    out[name] = new Map(pids().map((pid) => [pid, ticksOf(pid) * TICK_MS]));
  return out;
}

/**
 * CPU milliseconds each group used between two samples: processes started meanwhile count from zero;
 * processes that exited meanwhile (another client's Postgres backend) are left out rather than counted
 * negative.
 */
export function cpuSpent(
  before: Record<string, Map<number, number>>,
  after: Record<string, Map<number, number>>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, now] of Object.entries(after)) {
    let sum = 0;
    for (const [pid, ms] of now) sum += ms - (before[name]?.get(pid) ?? 0);
    out[name] = sum;
  }
  return out;
}
