import { readFileSync } from 'node:fs';
import { isAppError } from '@xmargin/errors';
import { computeMargin } from '@xmargin/risk';
import { describe, expect, it } from 'vitest';
import { marginResultSchema, parseMarginDocument } from './index.js';

// biome-ignore lint/suspicious/noExplicitAny: tests mutate parsed JSON freely to build bad documents
type Loose = any;

const fixture = JSON.parse(
  readFileSync(new URL('../../../../../shared/fixtures/pmrm2-examples.json', import.meta.url), 'utf8'),
) as { cases: { name: string; document: Loose }[] };

const copy = <T>(v: T): T => structuredClone(v);
const pmrm2Doc = (): Loose => copy(fixture.cases.find((c) => c.name.includes('skew'))!.document);

function pathsOf(input: unknown): string[] {
  try {
    parseMarginDocument(input);
  } catch (e) {
    if (isAppError(e, 'DOCUMENT__INVALID')) return e.context.issues.map((i) => i.path);
    throw e;
  }
  throw new Error('document unexpectedly valid');
}

describe('pmrm-2 documents (spec section 9.1)', () => {
  it.each(fixture.cases.map((c) => [c.name, c.document]))('accepts the published case %s', (_, document) => {
    const doc = parseMarginDocument(document);
    const r = computeMargin(doc);
    expect(r).toEqual(computeMargin(document));
    expect(marginResultSchema.parse(r)).toEqual(r);
  });

  it('accepts the pmrm-2-mainnet preset with pmrm-2 overrides and per-underlying overrides', () => {
    const doc = pmrm2Doc();
    doc.params = {
      preset: 'pmrm-2-mainnet',
      overrides: {
        staticDiscount: { long: { base: 0.95 }, short: { base: 1.04 } },
        contingency: { mm: { perpPercent: 0.02 } },
        assets: { USDT: { mmHaircut: 0.02, imHaircut: 0.03 }, LBTC: { underlying: 'BTC' }, WEETH: {} },
        underlyings: { BTC: { skew: { abs: { baseCap: 0.3 } } } },
      },
    };
    expect(parseMarginDocument(doc).params).toEqual(doc.params);
    expect(Number.isFinite(computeMargin(parseMarginDocument(doc)).initialExcess)).toBe(true);
  });

  it('checks overrides against the preset model, which they may not change', () => {
    const doc = pmrm2Doc();
    doc.params = {
      preset: 'pmrm-2-mainnet',
      overrides: { model: 'pmrm-1', staticDiscount: { base: 0.9 }, contingency: { basePercent: 0.1 } },
    };
    expect(pathsOf(doc)).toEqual([
      '$.params.overrides.staticDiscount',
      '$.params.overrides.contingency',
      '$.params.overrides',
    ]);
    const v1 = pmrm2Doc();
    v1.params = { preset: 'pmrm-v1-mainnet', overrides: { skew: { minKStar: 0.1 } } };
    expect(pathsOf(v1)).toEqual(['$.params.overrides']);
  });

  it('rejects the other model shapes, misplaced or repeated skew scenarios, a missing skew', () => {
    const doc = pmrm2Doc();
    doc.params.staticDiscount = { base: 0.95, rateMultScale: 1, rateAddScale: 0.1 };
    doc.params.scenarios.push({ spotShock: 1.1, vol: 'linear' }, { spotShock: 1, vol: 'abs' });
    doc.params.assets.USDT = { mmHaircut: 0.8, imHaircut: 0.3 };
    expect(pathsOf(doc)).toEqual([
      '$.params.scenarios[31].spotShock',
      '$.params.scenarios[31].vol',
      '$.params.scenarios[32].vol',
      '$.params.staticDiscount.long',
      '$.params.staticDiscount.short',
      '$.params.staticDiscount',
      '$.params.assets.USDT.imHaircut',
    ]);
    const noSkew = pmrm2Doc();
    delete noSkew.params.skew;
    expect(pathsOf(noSkew)).toEqual(['$.params.skew']);
    const v1 = pmrm2Doc();
    v1.params.model = 'pmrm-1';
    // Under pmrm-1: skew scenarios, the skew group and the pmrm-2 shapes are all errors.
    expect(pathsOf(v1)).toEqual(
      expect.arrayContaining(['$.params.scenarios[29].vol', '$.params', '$.params.staticDiscount']),
    );
  });

  it('accepts a zero vol floor under pmrm-2 only', () => {
    const doc = pmrm2Doc();
    doc.params.volShock.dteFloorSeconds = 0;
    expect(parseMarginDocument(doc).params).toMatchObject({ volShock: { dteFloorSeconds: 0 } });
    doc.params.volShock.dteFloorSeconds = 0.5;
    expect(pathsOf(doc)).toEqual(['$.params.volShock.dteFloorSeconds']);
  });
});
