import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropSchema } from '@xmargin/store';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE_URL_TEST, REDIS_URL_TEST } from './test-support/harness.js';
import { freePort } from './test-support/private-services.js';

// `main.ts` started with Redis or Postgres unreachable: it retries with one clear log line per attempt
// and exits non-zero once the start-up bound has passed, instead of hanging or printing raw client
// errors forever.

const engineDir = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The node flags of the `start` script (conditions, tsx), as an operator runs it. */
const startFlags = (() => {
  const words = (
    JSON.parse(readFileSync(join(engineDir, 'package.json'), 'utf8')) as { scripts: { start: string } }
  ).scripts.start.split(/\s+/);
  return words.slice(words.indexOf('node') + 1, words.indexOf('src/main.ts'));
})();

interface Line {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

function runMain(env: Record<string, string>): Promise<{ code: number | null; lines: Line[]; raw: string }> {
  const child = spawn('node', [...startFlags, 'src/main.ts', '--role', 'worker'], {
    cwd: engineDir,
    env: {
      PATH: process.env.PATH ?? '',
      QUEUE_PREFIX: `test-main-${randomBytes(4).toString('hex')}`,
      OPS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let raw = '';
  child.stdout.on('data', (d: Buffer) => {
    raw += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    raw += d.toString();
  });
  return new Promise((resolve) =>
    child.once('close', (code) => {
      const lines = raw
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Line);
      resolve({ code, lines, raw });
    }),
  );
}

const schema = `test_main_${randomBytes(4).toString('hex')}`;
afterAll(() => dropSchema(DATABASE_URL_TEST, schema));

describe('engine start with a dependency unreachable', () => {
  it('Postgres: retries with a warn line each attempt, then one fatal line and exit 1', async () => {
    const port = await freePort();
    const { code, lines, raw } = await runMain({
      REDIS_URL: REDIS_URL_TEST,
      DATABASE_URL: `postgres://postgres:hunter2@127.0.0.1:${port}/test`,
      DATABASE_CONNECT_TIMEOUT_MS: '1500',
    });
    expect(code).toBe(1);
    const retries = lines.filter((l) => l.msg === 'postgres unreachable, retrying');
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(retries[0]).toMatchObject({
      level: 40,
      service: 'engine',
      role: 'worker',
      dependency: 'postgres',
      target: `postgres://postgres:***@127.0.0.1:${port}/test`,
      code: 'LEDGER__UNAVAILABLE',
      attempt: 1,
    });
    const fatal = lines.at(-1);
    expect(fatal?.level).toBe(60);
    expect(fatal?.msg).toMatch(
      new RegExp(
        `^engine did not start: postgres at postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${port}/test unreachable for \\d+ ms`,
      ),
    );
    expect(fatal?.err).toMatchObject({ code: 'API__UNAVAILABLE' });
    // Only JSON lines, and never the password.
    expect(raw.split('\n').filter((l) => l !== '' && !l.startsWith('{'))).toEqual([]);
    expect(raw).not.toContain('hunter2');
  });

  it('Redis: the same, after REDIS_CONNECT_TIMEOUT_MS', async () => {
    const port = await freePort();
    const { code, lines, raw } = await runMain({
      REDIS_URL: `redis://127.0.0.1:${port}`,
      DATABASE_URL: DATABASE_URL_TEST,
      DATABASE_SCHEMA: schema,
      REDIS_CONNECT_TIMEOUT_MS: '1500',
    });
    expect(code).toBe(1);
    const retries = lines.filter((l) => l.msg === 'redis unreachable, retrying');
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(retries[0]).toMatchObject({ level: 40, dependency: 'redis', target: `redis://127.0.0.1:${port}` });
    const fatal = lines.at(-1);
    expect(fatal?.level).toBe(60);
    expect(fatal?.msg).toMatch(
      /^engine did not start: redis at redis:\/\/127\.0\.0\.1:\d+ unreachable for \d+ ms/,
    );
    expect(raw.split('\n').filter((l) => l !== '' && !l.startsWith('{'))).toEqual([]);
  });
});
