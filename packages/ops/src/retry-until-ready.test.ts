import { isAppError } from '@xmargin/errors';
import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.js';
import { redactUrl, retryUntilReady } from './retry-until-ready.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'info',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { logger, lines };
}

describe('retryUntilReady', () => {
  it('logs one warn line per failed attempt, then throws API__UNAVAILABLE naming the dependency', async () => {
    const { logger, lines } = capture();
    let attempts = 0;
    const err = await retryUntilReady({
      dependency: 'postgres',
      target: 'postgres://postgres:***@127.0.0.1:1/test',
      timeoutMs: 300,
      minDelayMs: 20,
      maxDelayMs: 40,
      logger,
      attempt: async () => {
        attempts++;
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
      },
    }).catch((e: unknown) => e);
    expect(isAppError(err, 'API__UNAVAILABLE')).toBe(true);
    expect((err as Error).message).toMatch(
      /^postgres at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/test unreachable for \d+ ms \(\d+ attempts, last: connect ECONNREFUSED/,
    );
    expect(attempts).toBeGreaterThan(1);
    expect(lines).toHaveLength(attempts - 1);
    expect(lines[0]).toMatchObject({
      level: 40,
      msg: 'postgres unreachable, retrying',
      dependency: 'postgres',
      code: 'ECONNREFUSED',
      attempt: 1,
      retryInMs: 20,
    });
  });

  it('returns as soon as an attempt succeeds', async () => {
    const { logger, lines } = capture();
    let attempts = 0;
    const value = await retryUntilReady({
      dependency: 'thing',
      target: '127.0.0.1:1',
      timeoutMs: 10_000,
      minDelayMs: 10,
      logger,
      attempt: async () => {
        attempts++;
        if (attempts < 3) throw new Error('not yet');
        return 'up';
      },
    });
    expect(value).toBe('up');
    expect(lines.map((l) => l.attempt)).toEqual([1, 2]);
  });

  it('redactUrl hides the password only', () => {
    expect(redactUrl('redis://:hunter2@10.0.0.1:6379/0')).toBe('redis://:***@10.0.0.1:6379/0');
    expect(redactUrl('postgres://u@h/db')).toBe('postgres://u@h/db');
    expect(redactUrl('not a url')).toBe('(invalid url)');
  });
});
