import { AppError, formatIssuePath } from '@xmargin/errors';
import type { Market } from '@xmargin/risk';
import type { PositionBody } from '@xmargin/schemas/http';

/** Largest position size accepted (contracts); beyond it the risk engine's sums lose all precision. */
export const MAX_POSITION_QUANTITY = 1e9;
/** Largest strike, entry price or funding accepted (stable units). */
export const MAX_POSITION_PRICE = 1e12;

/**
 * Refuses, before it is stored, a position the risk engine could not margin: an underlying without a
 * market, a perp on a market without a perp mark, an expiry the market does not list, an option strike
 * without a vol (and no default vol), or sizes and prices outside sane bounds (1e308 passes as "finite"
 * but overflows every sum). A stored position like that made every later recompute of the account fail.
 */
export function checkMarginable(
  positions: readonly PositionBody[],
  markets: Readonly<Record<string, Market>>,
): void {
  const issues: { path: string; message: string }[] = [];
  positions.forEach((p, i) => {
    const at = (field: string) => formatIssuePath(['positions', i, field]);
    if (p.quantity === 0 || Math.abs(p.quantity) > MAX_POSITION_QUANTITY)
      issues.push({
        path: at('quantity'),
        message: `must be non-zero and at most ${MAX_POSITION_QUANTITY} in size`,
      });
    if (p.type === 'option' && p.strike > MAX_POSITION_PRICE)
      issues.push({ path: at('strike'), message: `must be at most ${MAX_POSITION_PRICE}` });
    if (p.type !== 'option' && p.entryPrice > MAX_POSITION_PRICE)
      issues.push({ path: at('entryPrice'), message: `must be at most ${MAX_POSITION_PRICE}` });
    if (p.type === 'perp' && p.funding !== undefined && Math.abs(p.funding) > MAX_POSITION_PRICE)
      issues.push({ path: at('funding'), message: `must be at most ${MAX_POSITION_PRICE} in size` });
    const market = markets[p.underlying];
    if (!market) {
      issues.push({ path: at('underlying'), message: `no market "${p.underlying}" in the market data` });
      return;
    }
    if (p.type === 'perp') {
      if (!market.perp)
        issues.push({ path: at('type'), message: `market "${p.underlying}" has no perp price` });
      return;
    }
    const expiry = (market.expiries ?? []).find((e) => e.expiry === p.expiry);
    if (!expiry) {
      issues.push({ path: at('expiry'), message: `market "${p.underlying}" has no expiry ${p.expiry}` });
      return;
    }
    if (
      p.type === 'option' &&
      expiry.defaultVol === undefined &&
      !(expiry.vols ?? []).some((v) => v.strike === p.strike)
    ) {
      issues.push({
        path: at('strike'),
        message: `no vol for strike ${p.strike} at expiry ${p.expiry} and no defaultVol`,
      });
    }
  });
  if (issues.length > 0) {
    throw new AppError('API__POSITION_UNMARGINABLE', {
      context: { issues },
      shortMessage: `${issues.length} position field(s) cannot be margined: ${issues[0]!.path}: ${issues[0]!.message}`,
      metaMessages: issues.map((i) => `${i.path}: ${i.message}`),
    });
  }
}
