import { describe, expect, it } from 'vitest';
import { marketData, positions } from '../test-support/fixtures.js';
import { buildMarginDocument } from './build-document.js';
import { canonicalJson, canonicalJsonWithShared } from './canonical-json.js';
import { DEFAULT_PARAMS } from './default-params.js';

const shared = new Set(['params', 'prices', 'markets', 'stable']);

describe('canonicalJsonWithShared', () => {
  it('gives exactly canonicalJson of a margin document, also when the shared parts are reused', () => {
    const md = marketData();
    const market = { stable: md.stable, prices: md.prices, markets: md.markets };
    const docs = [3, 7].map(
      (n) =>
        buildMarginDocument({
          asOf: 1_700_000_000 + n,
          params: DEFAULT_PARAMS,
          balances: [],
          positions: positions(n).map(({ id, ...doc }) => ({
            protocol: 'proto_a',
            positionId: id,
            position: doc as never,
          })),
          market: market as never,
        }).document,
    );
    for (const doc of [...docs, ...docs]) {
      expect(canonicalJsonWithShared(doc, shared)).toBe(canonicalJson(doc));
    }
  });

  it('orders keys and leaves out undefined members like canonicalJson', () => {
    const value = { b: { z: 1, a: [2, { d: 1, c: undefined }] }, a: undefined, c: 'x', ab: 10n };
    expect(canonicalJsonWithShared(value, new Set(['b']))).toBe(canonicalJson(value));
    expect(canonicalJsonWithShared(value, new Set(['b']))).toBe(
      '{"ab":"10","b":{"a":[2,{"d":1}],"z":1},"c":"x"}',
    );
  });
});
