import { AppError } from '@xmargin/errors';
import { shockedForward } from '../model/context.js';
import { black76 } from '../pricing/black76.js';
import type { ScenarioVol } from '../types.js';
import type { Pmrm2Expiry } from './pmrm2-context.js';
import type { Pmrm2Holding, Pmrm2Option } from './pmrm2-holdings.js';

/**
 * Skew vol of one strike (section 9.3): a multiplier growing linearly in log-moneyness on the
 * unshocked forward up to `cap` at `kStar`. `abs` uses |log-moneyness|.
 */
export function skewVol(e: Pmrm2Expiry, kind: 'linear' | 'abs', strike: number, vol: number): number {
  // A zero strike prices at the (discounted) forward whatever its vol.
  if (strike <= 0) return vol;
  const shape = e.skew![kind];
  let kap = Math.log(strike / e.forward);
  if (kind === 'abs') kap = Math.abs(kap);
  const slope = (kap * shape.cap) / shape.kStar;
  const mult = kap >= 0 ? 1 + Math.min(shape.cap, slope) : 1 + Math.max(-shape.cap, slope);
  return vol * Math.max(mult, 0);
}

/** The vol of an option in a scenario: shocked up (floored at minVolUp), down, unshocked or skewed. */
export function scenarioVol(
  e: Pmrm2Expiry,
  o: Pick<Pmrm2Option, 'strike' | 'vol'>,
  vol: ScenarioVol,
  minVolUp: number,
): number {
  switch (vol) {
    case 'up':
      return Math.max(minVolUp, o.vol * e.volUp);
    case 'down':
      return o.vol * e.volDown;
    case 'none':
      return o.vol;
    default:
      return skewVol(e, vol, o.strike, o.vol);
  }
}

/**
 * Throws RISK__INVALID_INPUT when an option of this expiry cannot be stressed: an expiry at asOf with
 * no vol floor (section 9.3), or a skew scenario whose kStar is not positive.
 */
export function checkPricable(
  e: Pmrm2Expiry,
  strike: number,
  scenarios: Pmrm2Holding['market']['params']['scenarios'],
): void {
  if (Number.isNaN(e.volUp)) {
    throw new AppError('RISK__INVALID_INPUT', {
      context: { path: `${e.path}.expiry`, reason: 'expiry at asOf needs volShock.dteFloorSeconds > 0' },
    });
  }
  if (strike <= 0 || e.skew === null) return;
  for (const sc of scenarios) {
    if (sc.vol !== 'linear' && sc.vol !== 'abs') continue;
    const kStar = e.skew[sc.vol].kStar;
    if (!(kStar > 0)) {
      throw new AppError('RISK__INVALID_INPUT', {
        context: { path: '$.params.skew', reason: `kStar ${kStar} at expiry ${e.expiry} must be > 0` },
      });
    }
  }
}

/** Discounted unit value of one option at spot shock k and vol `vol`. */
export function pmrm2OptionValue(
  e: Pmrm2Expiry,
  o: Pick<Pmrm2Option, 'strike' | 'right'>,
  k: number,
  vol: number,
): number {
  const p = black76({
    forward: shockedForward(e, k),
    strike: o.strike,
    time: e.time,
    vol,
    discount: e.discount,
  });
  return o.right === 'call' ? p.call : p.put;
}

/** `disc_e` of section 9.3: the static discount by sign of the shocked expiry value. */
export function staticDiscount(e: Pmrm2Expiry, x: number): number {
  return x >= 0 ? x * e.longDiscount : x * e.shortDiscount;
}

/**
 * One option's risk array: its unit value in every scenario (0..n-1), the basis up (n) and down
 * (n+1) legs, and its mark (n+2). The (1, none) scenario reuses the mark.
 */
export function pmrm2RiskArray(
  e: Pmrm2Expiry,
  o: Pick<Pmrm2Option, 'strike' | 'right' | 'vol'>,
  scenarios: Pmrm2Holding['market']['params']['scenarios'],
  basis: Pmrm2Holding['market']['params']['basis'],
  minVolUp: number,
): Float64Array {
  const n = scenarios.length;
  checkPricable(e, o.strike, scenarios);
  const u = new Float64Array(n + 3);
  const mark = pmrm2OptionValue(e, o, 1, o.vol);
  for (let s = 0; s < n; s++) {
    const sc = scenarios[s]!;
    u[s] =
      sc.spotShock === 1 && sc.vol === 'none'
        ? mark
        : pmrm2OptionValue(e, o, sc.spotShock, scenarioVol(e, o, sc.vol, minVolUp));
  }
  u[n] = pmrm2OptionValue(e, o, basis.spotUp, o.vol);
  u[n + 1] = pmrm2OptionValue(e, o, basis.spotDown, o.vol);
  u[n + 2] = mark;
  return u;
}
