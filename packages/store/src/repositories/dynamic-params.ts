import type { Executor } from '../db/types.js';
import { toDate, toJsonParam, toNullableDate, toNumber } from '../db/values.js';
import type { JsonValue } from '../json.js';

/** The scaler's policy: EWMA half-life, step bounds and the operator's base parameters it scales. */
export interface DynamicParamPolicy {
  readonly halfLifeSeconds: number;
  readonly intervalSeconds: number;
  readonly maxStep: number;
  readonly baseParams: JsonValue;
}

/** An enrolled asset: the operator's mode and bounds, and the scaler's state. */
export interface DynamicParamAsset {
  readonly asset: string;
  readonly mode: 'auto' | 'pinned' | 'disabled';
  readonly referenceVol: number;
  readonly floor: number;
  readonly cap: number;
  readonly pinnedScale: number | null;
  /** EWMA state: last price and time, annualised variance (null before a first return). */
  readonly volPrice: number | null;
  readonly volAt: Date | null;
  readonly variance: number | null;
  readonly scale: number;
  readonly scaleChangedAt: Date | null;
}

export type DynamicParamAssetConfig = Pick<
  DynamicParamAsset,
  'asset' | 'mode' | 'referenceVol' | 'floor' | 'cap' | 'pinnedScale'
>;
export type DynamicParamAssetState = Pick<
  DynamicParamAsset,
  'asset' | 'volPrice' | 'volAt' | 'variance' | 'scale' | 'scaleChangedAt'
>;

export interface PricePoint {
  readonly asset: string;
  readonly at: Date;
  readonly price: number;
}

export interface DynamicParamsRepository {
  /** Appends observations; a repeated (asset, time) keeps the first price. */
  appendPrices(points: readonly PricePoint[]): Promise<void>;
  /** One asset's history in time order, from `since` (inclusive) when given. */
  prices(asset: string, since?: Date): Promise<PricePoint[]>;
  setPolicy(policy: DynamicParamPolicy): Promise<void>;
  getPolicy(): Promise<DynamicParamPolicy | null>;
  /** Enrols an asset or changes its mode and bounds (pin, disable); its state is kept. */
  configureAsset(config: DynamicParamAssetConfig): Promise<void>;
  listAssets(): Promise<DynamicParamAsset[]>;
  saveState(state: DynamicParamAssetState): Promise<void>;
}

interface AssetRow {
  asset: string;
  mode: string;
  reference_vol: unknown;
  floor: unknown;
  cap: unknown;
  pinned_scale: unknown;
  vol_price: unknown;
  vol_at: unknown;
  variance: unknown;
  scale: unknown;
  scale_changed_at: unknown;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : toNumber(v));

export function createDynamicParamsRepository(ex: Executor): DynamicParamsRepository {
  return {
    async appendPrices(points) {
      for (const p of points) {
        await ex.query(
          `INSERT INTO price_history (asset, observed_at, price) VALUES ($1, $2, $3)
           ON CONFLICT (asset, observed_at) DO NOTHING`,
          [p.asset, p.at, p.price],
        );
      }
    },
    async prices(asset, since) {
      const { rows } = await ex.query<{ asset: string; observed_at: unknown; price: unknown }>(
        `SELECT asset, observed_at, price FROM price_history
         WHERE asset = $1 AND ($2::timestamptz IS NULL OR observed_at >= $2) ORDER BY observed_at`,
        [asset, since ?? null],
      );
      return rows.map((r) => ({ asset: r.asset, at: toDate(r.observed_at), price: toNumber(r.price) }));
    },
    async setPolicy(p) {
      await ex.query(
        `INSERT INTO dynamic_param_policy (id, half_life_seconds, interval_seconds, max_step, base_params)
         VALUES (true, $1, $2, $3, $4::jsonb)
         ON CONFLICT (id) DO UPDATE SET half_life_seconds = $1, interval_seconds = $2, max_step = $3,
           base_params = $4::jsonb, updated_at = now()`,
        [p.halfLifeSeconds, p.intervalSeconds, p.maxStep, toJsonParam('baseParams', p.baseParams)],
      );
    },
    async getPolicy() {
      const { rows } = await ex.query<{
        half_life_seconds: unknown;
        interval_seconds: unknown;
        max_step: unknown;
        base_params: JsonValue;
      }>('SELECT half_life_seconds, interval_seconds, max_step, base_params FROM dynamic_param_policy');
      const r = rows[0];
      if (!r) return null;
      return {
        halfLifeSeconds: toNumber(r.half_life_seconds),
        intervalSeconds: toNumber(r.interval_seconds),
        maxStep: toNumber(r.max_step),
        baseParams: r.base_params,
      };
    },
    async configureAsset(c) {
      await ex.query(
        `INSERT INTO dynamic_param_assets (asset, mode, reference_vol, floor, cap, pinned_scale)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (asset) DO UPDATE SET mode = $2, reference_vol = $3, floor = $4, cap = $5,
           pinned_scale = $6`,
        [c.asset, c.mode, c.referenceVol, c.floor, c.cap, c.pinnedScale],
      );
    },
    async listAssets() {
      const { rows } = await ex.query<AssetRow>('SELECT * FROM dynamic_param_assets ORDER BY asset');
      return rows.map((r) => ({
        asset: r.asset,
        mode: r.mode as DynamicParamAsset['mode'],
        referenceVol: toNumber(r.reference_vol),
        floor: toNumber(r.floor),
        cap: toNumber(r.cap),
        pinnedScale: num(r.pinned_scale),
        volPrice: num(r.vol_price),
        volAt: toNullableDate(r.vol_at),
        variance: num(r.variance),
        scale: toNumber(r.scale),
        scaleChangedAt: toNullableDate(r.scale_changed_at),
      }));
    },
    async saveState(s) {
      await ex.query(
        `UPDATE dynamic_param_assets SET vol_price = $2, vol_at = $3, variance = $4, scale = $5,
           scale_changed_at = $6 WHERE asset = $1`,
        [s.asset, s.volPrice, s.volAt, s.variance, s.scale, s.scaleChangedAt],
      );
    },
  };
}
