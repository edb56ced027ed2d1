import { AppError } from '@xmargin/errors';
import type { DepthModel } from './types.js';

/** One asset's market depth with its parameters resolved against the reference price R. */
export interface Depth {
  /**
   * Clears a net sale of `q` units (q < 0: a buy) at price `s`: the new price and the execution price of
   * this round's flows. Throws RISK__DEPTH_EXHAUSTED when a buy empties constant-product pools.
   */
  clear(s: number, q: number): { price: number; execution: number };
}

// USD sold at R that moves R down 2%: the common calibration of every model (spec section 1).
const TWO_PERCENT = 0.02;

function invalid(path: string, reason: string): AppError<'RISK__INVALID_INPUT'> {
  return new AppError('RISK__INVALID_INPUT', { context: { path, reason } });
}

function positive(value: number, path: string): number {
  if (!(value > 0) || !Number.isFinite(value)) throw invalid(path, 'must be a finite number > 0');
  return value;
}

/**
 * Resolves the depth model of `asset` (reference price `r`; `alpha` the share of the price move paid on
 * this round's own flows). `path` names the model in the document for errors.
 */
export function createDepth(asset: string, model: DepthModel, r: number, alpha: number, path: string): Depth {
  switch (model.model) {
    case 'exp': {
      const floor = model.floor ?? 0;
      const b = floor * r;
      const delta =
        model.delta !== undefined
          ? positive(model.delta, `${path}.delta`)
          : -(positive(model.usdFor2pct ?? Number.NaN, `${path}.usdFor2pct`) / r) /
            Math.log(1 - TWO_PERCENT / (1 - floor));
      return {
        clear(s, q) {
          const price = b + (s - b) * Math.exp(-q / delta);
          return { price, execution: s - alpha * (s - price) };
        },
      };
    }
    case 'linear': {
      const floor = model.floor ?? 0.01;
      const b = floor * r;
      const d =
        model.depthUsd !== undefined
          ? positive(model.depthUsd, `${path}.depthUsd`)
          : positive(model.usdFor2pct ?? Number.NaN, `${path}.usdFor2pct`) / TWO_PERCENT;
      return {
        clear(s, q) {
          const price = Math.max(b, s * (1 - (q * s) / d));
          return { price, execution: s - alpha * (s - price) };
        },
      };
    }
    case 'cpamm': {
      let l: number;
      if (model.pools !== undefined) {
        l = 0;
        model.pools.forEach((p, i) => {
          l += Math.sqrt(
            positive(p.base, `${path}.pools.${i}.base`) * positive(p.quote, `${path}.pools.${i}.quote`),
          );
        });
        positive(l, `${path}.pools`);
      } else {
        const u = positive(model.usdFor2pct ?? Number.NaN, `${path}.usdFor2pct`);
        l = u / (Math.sqrt(r) * (0.98 ** -0.5 - 1));
      }
      return {
        clear(s, q) {
          // Pools stay arbitraged to the market, so their base reserve at price s is L/sqrt(s).
          const x = l / Math.sqrt(s);
          if (-q >= x) {
            throw new AppError('RISK__DEPTH_EXHAUSTED', {
              context: { asset, bought: -q, available: x },
            });
          }
          const ratio = x / (x + q);
          const price = s * ratio * ratio;
          return { price, execution: Math.sqrt(s * price) };
        },
      };
    }
  }
}
