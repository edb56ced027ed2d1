import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { computeMargin, whatIf } from '@xmargin/risk';
import {
  marginResultSchema,
  parseMarginDocument,
  parseWhatIfDocument,
  whatIfResultSchema,
} from '@xmargin/schemas/risk';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { memoryIo } from '../memory-io.js';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const exampleText = (name: string) => readFileSync(`${root}/packages/risk/examples/${name}`, 'utf8');
const spec = exampleText('spec-example.json');
const multi = exampleText('multi-chain.json');
const changes = exampleText('what-if.json');

describe('xmargin margin (in process)', () => {
  it('prints the margin document of one file as JSON', async () => {
    const io = memoryIo({ 'a.json': spec });
    expect(await runCli(['margin', 'a.json'], io)).toBe(0);
    const out = JSON.parse(io.out);
    expect(marginResultSchema.parse(out)).toEqual(computeMargin(parseMarginDocument(JSON.parse(spec))));
    expect(io.err).toBe('');
  });

  it('prints one JSON object per line with a file field for several files', async () => {
    const io = memoryIo({ 'a.json': spec, 'b.json': multi });
    expect(await runCli(['margin', 'a.json', 'b.json'], io)).toBe(0);
    const lines = io.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.file)).toEqual(['a.json', 'b.json']);
    const { file: _f, ...second } = lines[1];
    expect(second).toEqual(computeMargin(parseMarginDocument(JSON.parse(multi))));
  });

  it('prints the what-if result with --what-if', async () => {
    const io = memoryIo({ 'b.json': multi, 'c.json': changes });
    expect(await runCli(['margin', 'b.json', '--what-if', 'c.json'], io)).toBe(0);
    const { changes: list, options } = parseWhatIfDocument(JSON.parse(changes));
    const expected = whatIf(parseMarginDocument(JSON.parse(multi)), list, options);
    expect(whatIfResultSchema.parse(JSON.parse(io.out))).toEqual(expected);
  });

  it('invalid documents: exit 2, every issue with its JSON path on stderr, the valid ones still printed', async () => {
    const bad = JSON.parse(spec);
    bad.account.positions[0].quantity = 'one';
    bad.surprise = 1;
    const io = memoryIo({ 'a.json': spec, 'bad.json': JSON.stringify(bad), 'broken.json': '{"version":' });
    expect(await runCli(['margin', 'a.json', 'bad.json', 'broken.json', 'a.json'], io)).toBe(2);
    const printed = io.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; equity: number });
    expect(printed.map((r) => r.file)).toEqual(['a.json', 'a.json']);
    expect(printed[0]?.equity).toBeCloseTo(1394.467377, 5);
    expect(io.err).toContain('bad.json: invalid document (2 issues)');
    expect(io.err).toContain('$.account.positions[0].quantity: ');
    expect(io.err).toMatch(/\$: .*surprise.* \(unrecognized_keys\)/);
    expect(io.err).toContain('broken.json: not valid JSON');
  });

  it('refuses what-if collateral on a chain that does not exist or of an unknown asset, with the path', async () => {
    const collateral = (asset: string, chain: string) =>
      JSON.stringify({ changes: [{ type: 'collateral', asset, amount: 1000, chain }] });
    const narnia = memoryIo({ 'b.json': multi, 'c.json': collateral('USDC', 'narnia') });
    expect(await runCli(['margin', 'b.json', '--what-if', 'c.json'], narnia)).toBe(1);
    expect(JSON.parse(narnia.out)).toEqual({
      error: { code: 'RISK__UNKNOWN_CHAIN', message: '$.changes[0].chain: there is no chain "narnia"' },
    });
    const asset = memoryIo({ 'b.json': multi, 'c.json': collateral('NOPE', 'ethereum') });
    expect(await runCli(['margin', 'b.json', '--what-if', 'c.json'], asset)).toBe(1);
    expect(JSON.parse(asset.out)).toEqual({
      error: {
        code: 'RISK__UNKNOWN_ASSET',
        message: '$.changes[0].asset: "NOPE" is not an accepted collateral asset',
      },
    });
  });

  it('reads the HTTP what-if form too, with the same result as the changes form', async () => {
    const position = {
      type: 'option',
      underlying: 'ETH',
      expiry: 1674028800,
      strike: 2200,
      right: 'call',
      quantity: -2,
    };
    const http = JSON.stringify({
      positions: { upsert: [{ id: 'p1', ...position }] },
      collateral: [{ asset: 'USDC', chain: 'ethereum', delta: '1000' }],
    });
    const a = memoryIo({ 'b.json': multi, 'c.json': http });
    expect(await runCli(['margin', 'b.json', '--what-if', 'c.json'], a)).toBe(0);
    const b = memoryIo({ 'b.json': multi, 'c.json': changes });
    expect(await runCli(['margin', 'b.json', '--what-if', 'c.json'], b)).toBe(0);
    expect(JSON.parse(a.out)).toEqual(JSON.parse(b.out));
    const remove = memoryIo({ 'b.json': multi, 'c.json': JSON.stringify({ positions: { remove: ['p1'] } }) });
    expect(await runCli(['margin', 'b.json', '--what-if', 'c.json'], remove)).toBe(2);
    expect(remove.err).toContain('$.positions.remove');
  });

  it('invalid what-if file: exit 2, nothing on stdout', async () => {
    const io = memoryIo({ 'a.json': spec, 'c.json': '{"changes":[{"type":"cash"}]}' });
    expect(await runCli(['margin', 'a.json', '--what-if', 'c.json'], io)).toBe(2);
    expect(io.out).toBe('');
    expect(io.err).toContain('$.changes[0].amount');
  });

  it('usage errors and missing files exit 2', async () => {
    const io = memoryIo({ 'a.json': spec });
    expect(await runCli(['margin'], io)).toBe(2);
    expect(await runCli(['margin', 'a.json', '--bogus'], io)).toBe(2);
    expect(io.err).toContain("Unknown option '--bogus'");
    expect(await runCli(['margin', 'a.json', 'a.json', '--what-if', 'c.json'], io)).toBe(2);
    expect(await runCli(['margin', 'missing.json'], io)).toBe(2);
    expect(io.out).toBe('');
    expect(io.err).toContain('Cannot read missing.json');
  });
});

describe('xmargin margin (real process)', () => {
  const run = (...args: string[]) =>
    spawnSync('node', ['--conditions=source', '--import', 'tsx', 'apps/cli/src/bin.ts', 'margin', ...args], {
      cwd: root,
      encoding: 'utf8',
    });

  it('computes the published PMRM short call from a file', () => {
    const r = run('packages/risk/examples/pmrm-short-call.json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.initialExcess).toBeCloseTo(-1021.828, 2);
    expect(out.maintenanceExcess).toBeCloseTo(-925.585, 2);
  });

  it('exits 2 on an invalid document with the issue path on stderr', () => {
    const r = run('packages/risk/examples/what-if.json');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('$.version');
  });
});
