import {
  type DynamicPolicy,
  nextScale,
  type ParamsSpec,
  scaleParams,
  updateVolatility,
  type VolatilityState,
  volatilityOf,
} from '@xmargin/risk';
import type {
  DynamicParamsRepository,
  PricePoint,
  RiskParamVersion,
  StoreRepositories,
} from '@xmargin/store';

/** Price points of a market-data write: each asset price and each market's spot, at `at` (seconds). */
export function pricePoints(
  prices: Readonly<Record<string, { price: number }>>,
  markets: Readonly<Record<string, { spot: number }>>,
  at: number,
): PricePoint[] {
  const when = new Date(at * 1000);
  // A zero price (allowed for a quote) has no log return: it is not history.
  return [
    ...Object.entries(prices).map(([asset, q]) => ({ asset, at: when, price: q.price })),
    ...Object.entries(markets).map(([asset, m]) => ({ asset, at: when, price: m.spot })),
  ].filter((p) => p.price > 0);
}

/** The scaler's actor name in the parameter audit log. */
export const AUTO_ACTOR = 'dynamic-params';

/**
 * Records price observations in the engine's price history and folds them, in time order, into the
 * EWMA volatility state of every enrolled asset (half-life from the policy). Points at or before an
 * asset's last folded time are kept in the history but not folded twice.
 */
export async function recordPrices(
  repo: DynamicParamsRepository,
  points: readonly PricePoint[],
): Promise<void> {
  if (points.length === 0) return;
  await repo.appendPrices(points);
  const policy = await repo.getPolicy();
  if (!policy) return;
  const sorted = [...points].sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const a of await repo.listAssets()) {
    let state: VolatilityState | null =
      a.volPrice === null || a.volAt === null
        ? null
        : { price: a.volPrice, at: a.volAt.getTime() / 1000, variance: a.variance };
    const before = state;
    for (const p of sorted) {
      if (p.asset !== a.asset) continue;
      state = updateVolatility(state, p.price, p.at.getTime() / 1000, policy.halfLifeSeconds);
    }
    if (state === before || state === null) continue;
    await repo.saveState({
      asset: a.asset,
      volPrice: state.price,
      volAt: new Date(state.at * 1000),
      variance: state.variance,
      scale: a.scale,
      scaleChangedAt: a.scaleChangedAt,
    });
  }
}

/**
 * One scaler round at `now`: every enrolled asset moves toward its volatility target by at most one
 * bounded step per interval (pinned and disabled assets hold their scale), and when a scale changed
 * the policy's base parameters, scaled, become a new parameter version proposed and activated with
 * reason `auto` (audited like any version, so every margin stays reproducible from its version).
 * Runs in one transaction; returns the new version, or null when nothing changed.
 */
export async function rescaleParams(
  store: Pick<StoreRepositories, 'dynamicParams' | 'riskParams'>,
  now: Date,
): Promise<RiskParamVersion | null> {
  const policy = await store.dynamicParams.getPolicy();
  if (!policy) return null;
  const assets = await store.dynamicParams.listAssets();
  const rules: DynamicPolicy = {
    halfLifeSeconds: policy.halfLifeSeconds,
    intervalSeconds: policy.intervalSeconds,
    maxStep: policy.maxStep,
    assets: Object.fromEntries(
      assets.map((a) => [
        a.asset,
        {
          mode: a.mode,
          referenceVol: a.referenceVol,
          floor: a.floor,
          cap: a.cap,
          pinnedScale: a.pinnedScale ?? undefined,
        },
      ]),
    ),
  };
  const scales: Record<string, number> = {};
  const changed: string[] = [];
  for (const a of assets) {
    const since =
      a.scaleChangedAt === null
        ? Number.POSITIVE_INFINITY
        : (now.getTime() - a.scaleChangedAt.getTime()) / 1000;
    const vol = volatilityOf(
      a.variance === null ? null : { price: a.volPrice ?? 0, at: 0, variance: a.variance },
    );
    const next = nextScale(a.scale, vol, since, rules.assets[a.asset]!, rules);
    scales[a.asset] = next;
    if (next === a.scale) continue;
    changed.push(`${a.asset} ${a.scale} -> ${next} (vol ${vol.toFixed(4)})`);
    await store.dynamicParams.saveState({
      asset: a.asset,
      volPrice: a.volPrice,
      volAt: a.volAt,
      variance: a.variance,
      scale: next,
      scaleChangedAt: now,
    });
  }
  if (changed.length === 0) return null;
  const params = scaleParams(policy.baseParams as ParamsSpec, scales);
  const proposed = await store.riskParams.propose({
    params,
    actor: AUTO_ACTOR,
    note: `auto: ${changed.join(', ')}`,
    reason: 'auto',
  });
  return store.riskParams.activate({ version: proposed.version, actor: AUTO_ACTOR, reason: 'auto' });
}
