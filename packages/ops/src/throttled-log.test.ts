import { expect, it } from 'vitest';
import { createLogger } from './create-logger.js';
import { throttledLog } from './throttled-log.js';

it('logs once per interval per key, then reports how many lines it suppressed', () => {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'info',
    destination: { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) },
  });
  let now = 0;
  const log = throttledLog(logger, 1_000, () => now);
  log('a', { where: 'a' }, 'down');
  log('a', { where: 'a' }, 'down');
  log('b', { where: 'b' }, 'down');
  now = 500;
  log('a', { where: 'a' }, 'down');
  now = 1_000;
  log('a', { where: 'a' }, 'down');
  expect(lines.map((l) => [l.where, l.suppressed, l.level])).toEqual([
    ['a', 0, 40],
    ['b', 0, 40],
    ['a', 2, 40],
  ]);
});
