import type { Logger } from 'pino';

export type ThrottledLog = (key: string, fields: Readonly<Record<string, unknown>>, msg: string) => void;

/**
 * Logs at `warn` at most once per `intervalMs` per key, with the number of lines `suppressed` since the
 * previous one: a connection that fails on every reconnect attempt during an outage is reported, not
 * repeated hundreds of times.
 */
export function throttledLog(logger: Logger, intervalMs: number, now: () => number = Date.now): ThrottledLog {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (key, fields, msg) => {
    const t = now();
    const entry = last.get(key);
    if (entry && t - entry.at < intervalMs) {
      entry.suppressed++;
      return;
    }
    logger.warn({ ...fields, suppressed: entry?.suppressed ?? 0 }, msg);
    last.set(key, { at: t, suppressed: 0 });
  };
}
