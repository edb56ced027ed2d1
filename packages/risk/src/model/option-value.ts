import { AppError } from '@xmargin/errors';
import { black76 } from '../pricing/black76.js';
import type { ExpiryContext } from './context.js';
import { shockedForward } from './context.js';

/** What pricing needs of one option: its strike, right and unshocked vol. */
export interface OptionTerms {
  readonly strike: number;
  readonly right: 'call' | 'put';
  readonly vol: number;
}

/** Unit value of one option at a spot shock and vol multiplier. */
export function optionValue(
  e: ExpiryContext,
  o: OptionTerms,
  k: number,
  volMult: number,
  up: boolean,
): number {
  let vol = o.vol * volMult;
  // Optional floor on the up-shocked vol so near-zero vols still get stressed.
  if (up && e.minVolUp > 0) vol = Math.max(vol, e.minVolUp);
  const p = black76({
    forward: shockedForward(e, k),
    strike: o.strike,
    time: e.time,
    vol,
    discount: e.valueDiscount,
  });
  return o.right === 'call' ? p.call : p.put;
}

/** The vol of a strike: its own point, else the expiry's default vol. */
export function volFor(e: Pick<ExpiryContext, 'vols' | 'defaultVol' | 'path'>, strike: number): number {
  const v = e.vols.get(strike) ?? e.defaultVol;
  if (v === undefined) {
    throw new AppError('RISK__INVALID_INPUT', {
      context: { path: `${e.path}.vols`, reason: `no vol for strike ${strike} and no defaultVol` },
    });
  }
  return v;
}
