import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { computeMargin } from '@xmargin/risk';
import { marginResultSchema, parseMarginDocument } from '@xmargin/schemas/risk';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { memoryIo } from '../memory-io.js';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const fixture = JSON.parse(readFileSync(`${root}/../shared/fixtures/pmrm2-examples.json`, 'utf8')) as {
  tolerance: { relative: number; absolute: number };
  cases: {
    name: string;
    document: unknown;
    expected: { initialExcess: number; maintenanceExcess: number; equity: number };
  }[];
};
const perUnderlying = readFileSync(`${root}/packages/risk/examples/pmrm2-per-underlying.json`, 'utf8');

const close = (a: number, b: number) =>
  Math.abs(a - b) <= Math.max(fixture.tolerance.absolute, fixture.tolerance.relative * Math.abs(b));

describe('xmargin margin on PMRM_2 documents (spec section 9)', () => {
  it('prints the published IM and MM of the 8 Derive cases, one line per file', async () => {
    const files = Object.fromEntries(
      fixture.cases.map((c) => [`${c.name}.json`, JSON.stringify(c.document)]),
    );
    const io = memoryIo(files);
    expect(await runCli(['margin', ...Object.keys(files)], io)).toBe(0);
    expect(io.err).toBe('');
    const lines = io.out
      .trimEnd()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as { file: string; initialExcess: number; maintenanceExcess: number; equity: number },
      );
    expect(lines.map((l) => l.file)).toEqual(Object.keys(files));
    lines.forEach((line, i) => {
      const { expected } = fixture.cases[i]!;
      expect(
        [line.initialExcess, line.maintenanceExcess, line.equity].map((x, j) =>
          close(x, [expected.initialExcess, expected.maintenanceExcess, expected.equity][j]!),
        ),
      ).toEqual([true, true, true]);
    });
  });

  it('margins a pmrm-2-mainnet document with per-underlying parameters', async () => {
    const io = memoryIo({ 'p.json': perUnderlying });
    expect(await runCli(['margin', 'p.json'], io)).toBe(0);
    const out = marginResultSchema.parse(JSON.parse(io.out));
    expect(out).toEqual(computeMargin(parseMarginDocument(JSON.parse(perUnderlying))));
    expect(out.underlyings.BTC!.scenarios).toHaveLength(8);
    expect(out.underlyings.ETH!.scenarios).toHaveLength(33);
  });

  it('names the path of a pmrm-2 shape used under the v1 model', async () => {
    const doc = JSON.parse(perUnderlying);
    doc.params.preset = 'pmrm-v1-mainnet';
    const io = memoryIo({ 'p.json': JSON.stringify(doc) });
    expect(await runCli(['margin', 'p.json'], io)).toBe(2);
    expect(io.out).toBe('');
    expect(io.err).toContain('$.params.overrides.staticDiscount');
  });
});
