import { AppError } from '@xmargin/errors';
import { describe, expect, it } from 'vitest';
import { createLogger, errorCodeOf } from './create-logger.js';

function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level,
    base: { service: 'test' },
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes one JSON object per line with level, time, msg, base fields and the given fields', () => {
    const { logger, lines } = capture();
    logger.info({ queue: 'index-chain' }, 'job done');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, msg: 'job done', service: 'test', queue: 'index-chain' });
    expect(typeof lines[0]?.time).toBe('number');
  });

  it('censors credentials wherever a caller puts them', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        req: { headers: { authorization: 'Bearer xm_admin_secret', 'x-api-key': 'k1', cookie: 'c' } },
        headers: { authorization: 'Bearer xm_2' },
        webhook: { secret: 'whsec_1', url: 'https://example.com/hook' },
        config: { apiKey: 'xm_relayer_3', privateKey: '0xabc', password: 'pw' },
      },
      'request',
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of ['xm_admin_secret', 'xm_2', 'k1', 'whsec_1', 'xm_relayer_3', '0xabc', '"pw"'])
      expect(text).not.toContain(secret);
    expect(text).toContain('https://example.com/hook');
    expect(text).toContain('[redacted]');
  });

  it('serialises errors with their stable code and short message', () => {
    const { logger, lines } = capture();
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:1');
    logger.error(
      { err: new AppError('API__UNAVAILABLE', { context: { dependency: 'redis' }, cause }) },
      'failed',
    );
    expect(lines[0]?.err).toMatchObject({
      type: 'AppError',
      code: 'API__UNAVAILABLE',
      message: 'A service the engine depends on is unavailable',
      cause: { type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:1' },
    });
  });

  it('drops lines below the level; silent writes nothing', () => {
    const warn = capture('warn');
    warn.logger.info('hidden');
    warn.logger.warn('shown');
    expect(warn.lines.map((l) => l.msg)).toEqual(['shown']);
    const silent = capture('silent');
    silent.logger.fatal('nothing');
    expect(silent.lines).toEqual([]);
  });

  it('errorCodeOf reads a string code, UNKNOWN otherwise', () => {
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(errorCodeOf(new Error('x'))).toBe('UNKNOWN');
    expect(errorCodeOf(null)).toBe('UNKNOWN');
  });
});
