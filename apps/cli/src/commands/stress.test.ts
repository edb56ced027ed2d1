import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runStress } from '@xmargin/risk';
import { parseStressDocument } from '@xmargin/schemas/risk';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { memoryIo } from '../memory-io.js';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const fixturePath = `${root}/../shared/fixtures/contagion-examples.json`;
const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as {
  cases: { name: string; input: Record<string, unknown>; expected: Record<string, unknown> }[];
};
const first = fixture.cases[0]!;

/** A document whose liquidation buys more ETH than the pool holds (RISK__DEPTH_EXHAUSTED). */
const exhausting = {
  ...first.input,
  accounts: [
    {
      id: 'S',
      cash: { arbitrum: 1000 },
      positions: [
        {
          type: 'perp',
          underlying: 'ETH',
          quantity: -20000,
          entryPrice: 2000,
          funding: 0,
          chain: 'arbitrum',
        },
      ],
    },
  ],
  shocks: { ETH: 1.1 },
};

describe('xmargin stress (in process)', () => {
  it('prints the section-5 result of every fixture case, exit 0', async () => {
    for (const c of fixture.cases) {
      const io = memoryIo({ 'doc.json': JSON.stringify(c.input) });
      expect(await runCli(['stress', 'doc.json'], io)).toBe(0);
      expect(io.err).toBe('');
      const out = JSON.parse(io.out);
      expect(out).toEqual(JSON.parse(JSON.stringify(runStress(parseStressDocument(c.input)))));
      for (const mode of Object.keys(c.expected.modes as object)) {
        expect(out.modes[mode].roundCount).toBe(
          (c.expected.modes as Record<string, { roundCount: number }>)[mode]!.roundCount,
        );
      }
    }
  });

  it('runs PMRM_2 parameter documents: the pmrm-2-mainnet preset, and pmrm-2 params with per-underlying overrides', async () => {
    const second = fixture.cases[1]!;
    const documents = [
      { ...first.input, params: { preset: 'pmrm-2-mainnet' } },
      {
        ...second.input,
        modes: undefined,
        shocks: { ETH: 0.8 },
        params: {
          preset: 'pmrm-2-mainnet',
          overrides: {
            underlyings: {
              BTC: {
                scenarios: [0.85, 0.92, 1, 1.08, 1.15].map((spotShock) => ({
                  spotShock,
                  vol: 'up',
                  weight: 1,
                })),
                contingency: { mm: { perpPercent: 0.05, optionPercent: 0.01 } },
              },
            },
          },
        },
      },
    ];
    for (const doc of documents) {
      const io = memoryIo({ 'pmrm2.json': JSON.stringify(doc) });
      expect(await runCli(['stress', 'pmrm2.json'], io)).toBe(0);
      expect(io.err).toBe('');
      const out = JSON.parse(io.out);
      expect(out).toEqual(JSON.parse(JSON.stringify(runStress(parseStressDocument(doc)))));
      expect(Object.values(out.modes).some((m) => (m as { liquidations: number }).liquidations > 0)).toBe(
        true,
      );
      // Not the PMRM v1 run of the same book: the margin comes from the model the params select.
      const v1 = runStress(parseStressDocument({ ...doc, params: { preset: 'pmrm-v1-mainnet' } }));
      expect(out.modes).not.toEqual(JSON.parse(JSON.stringify(v1.modes)));
    }
  });

  it('invalid document: exit 2, every issue with its path on stderr, nothing on stdout', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: edits reach into arbitrary paths of a JSON document
    const bad = structuredClone(first.input) as Record<string, any>;
    bad.accounts[0].positions[0].quantity = 'many';
    bad.policy.kind = 'gentle';
    bad.extra = true;
    const io = memoryIo({ 'bad.json': JSON.stringify(bad), 'broken.json': '{' });
    expect(await runCli(['stress', 'bad.json'], io)).toBe(2);
    expect(io.out).toBe('');
    expect(io.err).toContain('bad.json: invalid document (3 issues)');
    expect(io.err).toContain('$.accounts[0].positions[0].quantity: ');
    expect(io.err).toContain('$.policy.kind: ');
    expect(io.err).toMatch(/\$: .*extra.* \(unrecognized_keys\)/);
    const broken = memoryIo({ 'broken.json': '{' });
    expect(await runCli(['stress', 'broken.json'], broken)).toBe(2);
    expect(broken.out).toBe('');
    expect(broken.err).toContain('broken.json: not valid JSON');
  });

  it('run error: exit 1 with its code', async () => {
    const io = memoryIo({ 'x.json': JSON.stringify(exhausting) });
    expect(await runCli(['stress', 'x.json'], io)).toBe(1);
    expect(JSON.parse(io.out).error.code).toBe('RISK__DEPTH_EXHAUSTED');
    expect(io.err).toContain('RISK__DEPTH_EXHAUSTED');
  });

  it('usage errors and missing files exit 2', async () => {
    const io = memoryIo({ 'a.json': '{}' });
    expect(await runCli(['stress'], io)).toBe(2);
    expect(await runCli(['stress', 'a.json', 'a.json'], io)).toBe(2);
    expect(await runCli(['stress', 'a.json', '--fast'], io)).toBe(2);
    expect(await runCli(['stress', 'missing.json'], io)).toBe(2);
    expect(io.out).toBe('');
    expect(io.err).toContain('Cannot read missing.json');
  });
});

describe('xmargin stress (real process, pnpm -s xmargin stress FILE)', () => {
  const run = (...args: string[]) =>
    spawnSync('node', ['--conditions=source', '--import', 'tsx', 'apps/cli/src/bin.ts', 'stress', ...args], {
      cwd: root,
      encoding: 'utf8',
    });

  it('reproduces a fixture case from a file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'xmargin-stress-')), 'case.json');
    writeFileSync(file, JSON.stringify(first.input));
    const r = run(file);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.modes.isolated.prices.ETH).toBeCloseTo(1630.369358443236, 9);
    expect(out.modes.isolated.badDebt).toBeCloseTo(18439.52192936922, 8);
  });

  it('exits 2 on an invalid document with the path on stderr', () => {
    const r = run(fixturePath);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('$.version');
  });
});
