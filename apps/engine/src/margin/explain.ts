import type { AccountId } from '@xmargin/core';
import { computeMargin, countedAmount, resolveParams, type TrustClass } from '@xmargin/risk';
import type { EngineContext } from '../context.js';
import { buildMarginDocument } from './build-document.js';
import { loadMarginInputs } from './load-margin-inputs.js';
import { summarize } from './snapshot.js';

/**
 * Why the account's margin is what it is, computed from the ledger now: per-position and per-chain
 * contributions, each underlying's requirement and worst scenario, and the age of the attestations
 * behind the balances.
 */
export async function explainMargin(
  ctx: Pick<EngineContext, 'store' | 'globalInputs' | 'now'>,
  id: AccountId,
) {
  await ctx.store.accounts.require(id);
  const inputs = await loadMarginInputs(ctx.store, id, ctx.globalInputs.get);
  const nowMs = ctx.now();
  const asOf = Math.floor(nowMs / 1000);
  const { document, positionKeys } = buildMarginDocument({ ...inputs, asOf });
  const result = computeMargin(document);
  const params = resolveParams(document.params);
  const positions = document.account.positions ?? [];

  const priceOf = (asset: string): number => {
    const u = params.assets[asset]?.underlying;
    if (u !== undefined && document.markets[u]) return document.markets[u].spot;
    return document.prices?.[asset]?.price ?? document.markets[asset]?.spot ?? 0;
  };
  const chains = new Map<
    string,
    {
      value: number;
      assets: {
        asset: string;
        amount: number;
        source?: string;
        trust: TrustClass;
        countedAmount: number;
      }[];
      oldest: number | null;
    }
  >();
  for (const c of document.account.collateral ?? []) {
    const chain = c.chain ?? 'unknown';
    const entry = chains.get(chain) ?? { value: 0, assets: [], oldest: null };
    entry.value += c.amount * priceOf(c.asset);
    const asset = params.assets[c.asset];
    entry.assets.push({
      asset: c.asset,
      amount: c.amount,
      ...(c.source === undefined ? {} : { source: c.source }),
      trust: c.trust ?? 'escrowed',
      countedAmount: asset ? countedAmount(c, asset) : 0,
    });
    if (c.observedAt !== undefined)
      entry.oldest = entry.oldest === null ? c.observedAt : Math.min(entry.oldest, c.observedAt);
    chains.set(chain, entry);
  }

  let worst: { underlying: string; scenario: unknown; pnl: number } | null = null;
  for (const [underlying, u] of Object.entries(result.underlyings)) {
    const pnl = Math.min(0, ...u.scenarios.map((s) => s.pnl));
    if (worst === null || pnl < worst.pnl) worst = { underlying, scenario: u.worstScenario, pnl };
  }

  const attestations = await ctx.store.attestations.list({ account: id, limit: 50 });
  return {
    accountId: id,
    computedAt: nowMs,
    asOf,
    summary: summarize(result),
    positions: result.positions.map((p) => ({
      key: positionKeys[p.index] ?? String(p.index),
      underlying: positions[p.index]?.underlying ?? '',
      markToMarket: p.markToMarket,
      worstScenarioPnl: p.worstScenarioPnl,
      greeks: { ...p.greeks },
    })),
    underlyings: Object.fromEntries(
      Object.entries(result.underlyings).map(([name, u]) => [
        name,
        {
          worstScenario: u.worstScenario,
          worstScenarioPnl: Math.min(0, ...u.scenarios.map((x) => x.pnl)),
          markToMarket: u.markToMarket,
          basisContingency: u.basisContingency,
          staticContingency: u.staticContingency,
          confidenceContingency: u.confidenceContingency,
        },
      ]),
    ),
    chains: [...chains.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([chain, c]) => ({
        chain,
        collateralValue: c.value,
        assets: c.assets,
        oldestObservedAt: c.oldest,
        ageSeconds: c.oldest === null ? null : asOf - c.oldest,
      })),
    worstScenario: worst,
    attestations: attestations.map((a) => ({
      replayKey: a.replayKey,
      kind: a.kind,
      observedAt: a.observedAt,
      ageSeconds: a.observedAt === null ? null : asOf - a.observedAt,
    })),
    warnings: result.warnings.map((w) => ({ code: w.code, path: w.path, message: w.message })),
  };
}
