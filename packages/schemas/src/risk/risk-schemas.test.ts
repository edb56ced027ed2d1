import { readFileSync } from 'node:fs';
import { isAppError } from '@xmargin/errors';
import {
  computeMargin,
  type MarginDocument,
  type MarginResult,
  type WhatIfChange,
  type WhatIfResult,
} from '@xmargin/risk';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import {
  formatIssuePath,
  type marginDocumentSchema,
  marginResultSchema,
  parseJson,
  parseMarginDocument,
  parseWhatIfDocument,
  type whatIfChangeSchema,
  type whatIfResultSchema,
} from './index.js';

// biome-ignore lint/suspicious/noExplicitAny: tests mutate parsed JSON freely to build bad documents
type Loose = any;

const example = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../risk/examples/${name}`, import.meta.url), 'utf8'));

function issuesOf(input: unknown): { path: string; message: string; code: string }[] {
  try {
    parseMarginDocument(input);
  } catch (e) {
    if (isAppError(e, 'DOCUMENT__INVALID')) return [...e.context.issues];
    throw e;
  }
  throw new Error('document unexpectedly valid');
}

describe('schema and engine types agree', () => {
  it('document, result and what-if types are mutually assignable', () => {
    expectTypeOf<z.output<typeof marginDocumentSchema>>().toExtend<MarginDocument>();
    expectTypeOf<z.output<typeof marginResultSchema>>().toEqualTypeOf<MarginResult>();
    expectTypeOf<MarginResult>().toExtend<z.output<typeof marginResultSchema>>();
    expectTypeOf<z.output<typeof whatIfChangeSchema>>().toExtend<WhatIfChange>();
    expectTypeOf<WhatIfResult>().toExtend<z.output<typeof whatIfResultSchema>>();
  });
});

describe('parseMarginDocument', () => {
  it.each(['spec-example.json', 'pmrm-short-call.json', 'multi-chain.json'])(
    'accepts examples/%s',
    (name) => {
      const doc = parseMarginDocument(example(name));
      expect(marginResultSchema.parse(computeMargin(doc))).toBeTruthy();
    },
  );

  it('reports every issue with its JSON path, unknown fields included', () => {
    const doc = example('spec-example.json') as Loose;
    doc.extra = true;
    doc.account.positions[0].quantity = '1';
    doc.account.positions[1].type = 'swap';
    doc.markets.ETH.spot = -1;
    doc.params.overrides.basis = { spotUp: 1.1, typo: 1 };
    const issues = issuesOf(doc);
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '$',
        '$.account.positions[0].quantity',
        '$.account.positions[1].type',
        '$.markets.ETH.spot',
        '$.params.overrides.basis',
      ]),
    );
    const unknown = issues.find((i) => i.path === '$')!;
    expect(unknown.code).toBe('unrecognized_keys');
    expect(unknown.message).toContain('extra');
    expect(issues.find((i) => i.path === '$.account.positions[0].quantity')!.code).toBe('invalid_type');
  });

  it('checks references: market, expiry, vol, perp mark, collateral price, preset', () => {
    const doc = example('spec-example.json') as Loose;
    doc.markets.ETH.expiries[0].defaultVol = undefined;
    delete doc.markets.ETH.perp;
    doc.account.positions.push(
      { type: 'option', underlying: 'ETH', expiry: 1674028800, strike: 1500, right: 'put', quantity: 1 },
      { type: 'future', underlying: 'ETH', expiry: 1, quantity: 1, entryPrice: 1 },
      { type: 'perp', underlying: 'BTC', quantity: 1, entryPrice: 1 },
    );
    doc.account.collateral.push({ asset: 'USDT', amount: 5 });
    const issues = issuesOf(doc);
    expect(issues.map((i) => i.path)).toEqual([
      '$.account.positions[1].type',
      '$.account.positions[3].strike',
      '$.account.positions[4].expiry',
      '$.account.positions[5].underlying',
      '$.account.collateral[1].asset',
    ]);
    const unknownPreset = example('spec-example.json') as Loose;
    unknownPreset.params.preset = 'nope';
    expect(issuesOf(unknownPreset).map((i) => i.path)).toEqual(['$.params.preset']);
  });

  it('a full parameter object must be complete and names what is missing', () => {
    const doc = example('pmrm-short-call.json') as Loose;
    delete doc.params.basis.addFactor;
    doc.params.scenarios[0].vol = 'sideways';
    const paths = issuesOf(doc).map((i) => i.path);
    expect(paths).toEqual(['$.params.scenarios[0].vol', '$.params.basis.addFactor']);
  });

  it('rejects non-finite numbers, bad confidences and bad haircut tiers', () => {
    const doc = example('spec-example.json') as Loose;
    doc.asOf = 1.5;
    doc.stable.confidence = 2;
    doc.params.overrides.assets = { USDC: { tiers: [{ haircut: 0.1 }, { upTo: 5, haircut: 0.2 }] } };
    const paths = issuesOf(doc).map((i) => i.path);
    expect(paths).toEqual(['$.asOf', '$.params.overrides.assets.USDC.tiers[0].upTo', '$.stable.confidence']);
  });
});

describe('what-if documents', () => {
  it('parses changes and options', () => {
    const { changes, options } = parseWhatIfDocument(example('what-if.json'));
    expect(changes).toHaveLength(2);
    expect(options).toEqual({});
  });

  it('requires sizeChange to point at a position change', () => {
    try {
      parseWhatIfDocument({ changes: [{ type: 'cash', amount: 5 }], sizeChange: 0 });
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e, 'DOCUMENT__INVALID') && e.context.issues.map((i) => i.path)).toEqual([
        '$.sizeChange',
      ]);
    }
  });
});

describe('helpers', () => {
  it('formats paths as JSONPath', () => {
    expect(formatIssuePath([])).toBe('$');
    expect(formatIssuePath(['markets', 'ETH', 'expiries', 0, 'vols'])).toBe('$.markets.ETH.expiries[0].vols');
    expect(formatIssuePath(['prices', 'stETH-x'])).toBe('$.prices["stETH-x"]');
  });

  it('parseJson raises DOCUMENT__UNPARSABLE', () => {
    expect(() => parseJson('{')).toThrow(expect.objectContaining({ code: 'DOCUMENT__UNPARSABLE' }));
  });
});
