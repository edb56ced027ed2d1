import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { liquidationSimulationSchema } from '@xmargin/schemas/risk';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { memoryIo } from '../memory-io.js';

// The cases of shared/fixtures/liquidation-examples.json through the CLI: every expected figure at 1e-9
// relative (1e-9 absolute floor), and the example output's whole shape.
const root = fileURLToPath(new URL('../../../..', import.meta.url));
const examples = JSON.parse(readFileSync(`${root}/../shared/fixtures/liquidation-examples.json`, 'utf8')) as {
  simulations: { name: string; input: Record<string, unknown>; expected: unknown; exampleOutput?: unknown }[];
};

function expectSubset(actual: unknown, expected: unknown, path = '$'): void {
  if (typeof expected === 'number') {
    const ok = Math.abs((actual as number) - expected) <= Math.max(1e-9 * Math.abs(expected), 1e-9);
    expect(ok, `${path}: ${String(actual)} vs ${expected}`).toBe(true);
  } else if (Array.isArray(expected)) {
    expect((actual as unknown[]).length, `${path} length`).toBe(expected.length);
    expected.forEach((e, i) => {
      expectSubset((actual as unknown[])[i], e, `${path}[${i}]`);
    });
  } else if (expected !== null && typeof expected === 'object') {
    for (const [k, v] of Object.entries(expected)) {
      expect(Object.hasOwn(actual as object, k), `${path}.${k} missing`).toBe(true);
      expectSubset((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
    }
  } else {
    expect(actual, path).toEqual(expected);
  }
}

const run = async (doc: unknown) => {
  const io = memoryIo({ 'doc.json': JSON.stringify(doc) });
  const code = await runCli(['liquidation', 'simulate', 'doc.json'], io);
  return { code, out: io.out, err: io.err };
};

describe('xmargin liquidation simulate (in process)', () => {
  it.each(examples.simulations.map((s) => [s.name, s] as const))('%s', async (_, s) => {
    const r = await run(s.input);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    expect(() => liquidationSimulationSchema.parse(out)).not.toThrow();
    expectSubset(out, s.expected);
    if (s.exampleOutput) expectSubset(out, s.exampleOutput);
  });

  it('defaults to the derive-mainnet preset, a zero fund and no actions', async () => {
    const { auction: _a, actions: _b, ...doc } = examples.simulations[0]!.input;
    const r = await run(doc);
    expect(r.code).toBe(0);
    const out = liquidationSimulationSchema.parse(JSON.parse(r.out));
    expect(out.actions).toEqual([]);
    expect(out.start.kind).toBe('solvent');
    // derive-mainnet: bufferPercent 0.15, feePercent 0.1.
    expect(out.start.bm).toBeCloseTo(out.start.mm + (out.start.mm - out.start.mtm) * 0.15, 9);
    expect(out.end.insuranceFund).toBeCloseTo(out.start.liquidationFee, 12);
    expect(out.end).toMatchObject({ ongoing: true, kind: 'solvent', socialisedLoss: 0 });
  });

  it('invalid input: exit 2, every issue with its path on stderr, nothing on stdout', async () => {
    const doc = structuredClone(examples.simulations[1]!.input) as {
      auction: { params: Record<string, unknown> };
      actions: Record<string, unknown>[];
    };
    doc.auction.params.cutoffPercent = 0.99;
    doc.actions[0]!.percent = 1.5;
    doc.actions[1]!.time = 1;
    doc.actions[2]!.surprise = true;
    (doc.actions[2]!.market as { markets: unknown }).markets = { BTC: { spot: 1 } };
    const r = await run(doc);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('$.auction.params.cutoffPercent: cutoffPercent must be <= startPercent');
    expect(r.err).toContain('$.actions[0].percent');
    expect(r.err).toContain('$.actions[2]: ');
    expect(r.err).toContain('surprise');
  });

  it('checks times and each action market against the positions', async () => {
    const doc = structuredClone(examples.simulations[1]!.input) as { actions: Record<string, unknown>[] };
    doc.actions[1]!.time = 1;
    (doc.actions[2]!.market as { markets: unknown }).markets = { BTC: { spot: 1 } };
    const r = await run(doc);
    expect(r.code).toBe(2);
    expect(r.err).toContain("$.actions[1].time: must be >= the previous action's time");
    expect(r.err).toContain('$.actions[2].market: with this market, $.account.positions[0].underlying');
  });

  it('names an unknown preset', async () => {
    const doc = { ...examples.simulations[0]!.input, auction: { params: { preset: 'nope' } } };
    const r = await run(doc);
    expect(r.code).toBe(2);
    expect(r.err).toContain('$.auction.params.preset: unknown preset "nope"');
  });

  it('usage errors exit 2', async () => {
    const io = memoryIo({});
    expect(await runCli(['liquidation'], io)).toBe(2);
    expect(await runCli(['liquidation', 'run', 'x.json'], io)).toBe(2);
    expect(await runCli(['liquidation', 'simulate'], io)).toBe(2);
    expect(await runCli(['liquidation', 'simulate', 'missing.json'], io)).toBe(2);
    expect(io.out).toBe('');
    expect(io.err).toContain('Cannot read missing.json');
  });
});

describe('pnpm -s xmargin liquidation simulate (real process)', () => {
  it('prints the fixture case through the package script', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'xmargin-liq-'));
    const file = join(dir, 'case.json');
    writeFileSync(file, JSON.stringify(examples.simulations[1]!.input));
    const r = spawnSync('pnpm', ['-s', 'xmargin', 'liquidation', 'simulate', file], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expectSubset(JSON.parse(r.stdout), examples.simulations[1]!.expected);
  });
});
