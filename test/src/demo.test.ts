import { describe, expect, it } from 'vitest';
import { startServiceProcess } from './harness/index.js';

const REDIS_URL_TEST = process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379';

describe('pnpm demo --once', () => {
  it('starts everything, prints the book, the modes and the shock, and exits 0', {
    timeout: 240_000,
  }, async () => {
    const lines: string[] = [];
    // The demo exactly as `pnpm demo --once` runs it, on the shared test Redis (its own queue prefix).
    const demo = startServiceProcess({
      name: 'demo',
      entry: 'scripts/demo.ts',
      args: ['--once'],
      env: { REDIS_URL: REDIS_URL_TEST },
      onLine: (l) => lines.push(l),
    });
    const timer = setTimeout(() => void demo.stop(5_000), 220_000);
    await demo.done;
    clearTimeout(timer);
    const out = lines.join('\n');
    expect(demo.exitCode, out).toBe(0);
    expect(out).not.toContain('WARNING');
    expect(out).toContain('book seeded and margined');

    const table = (title: string) => {
      const start = lines.findIndex((l) => l.startsWith(title));
      const end = lines.findIndex((l, i) => i > start + 3 && l.trim() === '');
      return lines.slice(start + 4, end);
    };
    const before = table('Accounts (stable units');
    expect(before.map((l) => l.split(/\s+/)[0])).toEqual([
      'acc_alpha',
      'acc_bravo',
      'acc_charlie',
      'acc_delta',
      'acc_echo',
    ]);
    // Collateral on three chains made it through VAAs and Queries.
    expect(before.find((l) => l.startsWith('acc_echo'))).toContain('evm-devnet, evm-devnet-2, solana-devnet');

    // Isolated > portfolio for the hedged account, and the engine serves exactly the portfolio figures.
    const figures = (label: string) =>
      (lines.find((l) => l.startsWith(label)) ?? '')
        .slice(label.length)
        .trim()
        .split(/\s+/)
        .map((x) => Number(x.replaceAll(',', '')));
    const isolated = figures('isolated (each position alone)');
    const portfolio = figures('portfolio (scenario offsets)');
    expect(figures('engine (portfolio, served)')).toEqual(portfolio);
    expect(isolated[0]).toBeGreaterThan(2 * (portfolio[0] ?? Number.POSITIVE_INFINITY));

    const crossed = table('Accounts that crossed maintenance');
    expect(crossed.length).toBeGreaterThan(0);
    for (const row of crossed) expect(row).toContain('yes (down through 0)');
    expect(out).toContain('--once: stopping everything');
  });
});
