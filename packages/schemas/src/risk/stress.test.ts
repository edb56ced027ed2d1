import { readFileSync } from 'node:fs';
import { isAppError } from '@xmargin/errors';
import { runStress } from '@xmargin/risk';
import { describe, expect, it } from 'vitest';
import { parseStressDocument } from './parse.js';

const fixture = JSON.parse(
  readFileSync(new URL('../../../../../shared/fixtures/contagion-examples.json', import.meta.url), 'utf8'),
) as { cases: { name: string; input: Record<string, unknown> }[] };
const base = fixture.cases[0]!.input;

function issuesOf(doc: unknown): string[] {
  try {
    parseStressDocument(doc);
  } catch (err) {
    if (isAppError(err, 'DOCUMENT__INVALID')) return err.context.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  return [];
}

// biome-ignore lint/suspicious/noExplicitAny: the edits reach into arbitrary paths of a JSON document
const edit = (f: (d: any) => void) => {
  const d = structuredClone(base);
  f(d);
  return d;
};

describe('stressDocumentSchema', () => {
  it('accepts every fixture input, and the parsed document runs to the same result', () => {
    for (const c of fixture.cases) {
      const doc = parseStressDocument(c.input);
      expect(runStress(doc)).toEqual(runStress(c.input as never));
    }
  });

  it('names the path of every problem', () => {
    const issues = issuesOf(
      edit((d) => {
        d.surprise = 1;
        d.accounts[0].positions[0].chain = undefined;
        d.accounts[1].positions[0].extra = true;
        d.accounts[2].id = 'A@B';
        d.accounts[3].id = 'A1';
        d.accounts[0].collateral = [{ asset: 'DOGE', chain: 'arbitrum', amount: 1 }];
        d.shocks = { ETH: 0, XRP: 0.9 };
        d.depth.ETH = { model: 'cpamm', usdFor2pct: 1, pools: [] };
        d.depth.SOL = { model: 'exp', floor: 0.5 };
        d.policy = { kind: 'partial', penalty: 1, closeFactor: 0 };
        d.modes = ['cross', 'cross'];
        d.maxRounds = 1001;
      }),
    );
    const expected = [
      '$: ',
      '$.accounts[0].positions[0].chain',
      '$.accounts[1].positions[0]: ',
      '$.accounts[2].id',
      '$.shocks.ETH',
      '$.depth.ETH.pools',
      '$.depth.SOL.delta',
      '$.policy.kind',
      '$.policy.penalty',
      '$.policy.closeFactor',
      '$.maxRounds',
    ];
    expect(expected.filter((path) => !issues.some((i) => i.startsWith(path)))).toEqual([]);
  });

  it('checks references once the shapes are valid', () => {
    const issues = issuesOf(
      edit((d) => {
        d.accounts[3].id = 'A1';
        d.accounts[0].collateral = [{ asset: 'DOGE', chain: 'arbitrum', amount: 1 }];
        d.accounts[1].positions[0].underlying = 'BTC';
        d.shocks = { XRP: 0.9 };
        d.depth.ETH = { model: 'linear', depthUsd: 1e6, floor: 0.95 };
        d.shocks.ETH = 0.9;
        d.modes = ['cross', 'cross'];
      }),
    );
    expect(issues).toEqual([
      '$.shocks.XRP: not a market or a prices key',
      '$.depth.ETH.floor: must be below every shock factor',
      '$.modes[1]: duplicate mode cross',
      '$.accounts[0].collateral[0].asset: "DOGE" is not in params.assets',
      '$.accounts[1].positions[0].underlying: no market "BTC" in markets',
      '$.accounts[3].id: duplicate account id "A1"',
    ]);
  });
});
