import type { ParamsInput, Pmrm2MarketParams, Pmrm2Params, UnderlyingParamsInput } from '../types.js';
import {
  forbidden,
  invalid,
  required,
  resolveAssets,
  resolveShared,
  resolveUnderlyings,
} from './resolve-helpers.js';

type Sd = NonNullable<ParamsInput['staticDiscount']>['long'];
type Cont = NonNullable<ParamsInput['contingency']>['mm'];

function staticDiscountSide(sd: Sd, path: string): Pmrm2Params['staticDiscount']['long'] {
  const s = required(sd, path);
  return {
    base: required(s.base, `${path}.base`),
    rateMultScale: required(s.rateMultScale, `${path}.rateMultScale`),
    rateAddScale: required(s.rateAddScale, `${path}.rateAddScale`),
  };
}

function contingencyLevel(c: Cont, path: string): Pmrm2Params['contingency']['mm'] {
  const s = required(c, path);
  return {
    perpPercent: required(s.perpPercent, `${path}.perpPercent`),
    optionPercent: required(s.optionPercent, `${path}.optionPercent`),
  };
}

/** The per-market fields under pmrm-2 (section 9.1); `at` prefixes error paths. */
function resolvePmrm2Market(input: UnderlyingParamsInput, at: string): Pmrm2MarketParams {
  const volShock = required(input.volShock, `${at}volShock`);
  const basis = required(input.basis, `${at}basis`);
  const sd = required(input.staticDiscount, `${at}staticDiscount`);
  const cont = required(input.contingency, `${at}contingency`);
  const scenarios = required(input.scenarios, `${at}scenarios`);
  if (scenarios.length === 0) throw invalid(`${at}scenarios`, 'empty');
  forbidden(sd.base, `${at}staticDiscount.base`, 'pmrm-2');
  forbidden(sd.rateMultScale, `${at}staticDiscount.rateMultScale`, 'pmrm-2');
  forbidden(sd.rateAddScale, `${at}staticDiscount.rateAddScale`, 'pmrm-2');
  forbidden(cont.basePercent, `${at}contingency.basePercent`, 'pmrm-2');
  forbidden(cont.perpPercent, `${at}contingency.perpPercent`, 'pmrm-2');
  forbidden(cont.optionPercent, `${at}contingency.optionPercent`, 'pmrm-2');
  const seen = new Set<string>();
  scenarios.forEach((s, i) => {
    if (s.vol !== 'linear' && s.vol !== 'abs') return;
    if (s.spotShock !== 1) throw invalid(`${at}scenarios.${i}.spotShock`, 'a skew scenario has spotShock 1');
    if (seen.has(s.vol)) throw invalid(`${at}scenarios.${i}.vol`, `more than one "${s.vol}" scenario`);
    seen.add(s.vol);
  });
  const dteFloorSeconds = required(volShock.dteFloorSeconds, `${at}volShock.dteFloorSeconds`);
  if (!Number.isInteger(dteFloorSeconds) || dteFloorSeconds < 0) {
    throw invalid(`${at}volShock.dteFloorSeconds`, 'whole seconds >= 0');
  }
  let skew: Pmrm2Params['skew'] = null;
  if (seen.size > 0 || input.skew !== undefined) {
    const k = required(input.skew, `${at}skew`);
    const cap = (kind: 'linear' | 'abs') => {
      const c = required(k[kind], `${at}skew.${kind}`);
      return {
        baseCap: required(c.baseCap, `${at}skew.${kind}.baseCap`),
        capSlope: required(c.capSlope, `${at}skew.${kind}.capSlope`),
      };
    };
    skew = {
      linear: cap('linear'),
      abs: cap('abs'),
      minKStar: required(k.minKStar, `${at}skew.minKStar`),
      widthScale: required(k.widthScale, `${at}skew.widthScale`),
      volStatic: required(k.volStatic, `${at}skew.volStatic`),
      volScale: required(k.volScale, `${at}skew.volScale`),
    };
  }
  return {
    scenarios: scenarios.map((s) => ({ spotShock: s.spotShock, vol: s.vol, weight: s.weight ?? 1 })),
    basis: {
      spotUp: required(basis.spotUp, `${at}basis.spotUp`),
      spotDown: required(basis.spotDown, `${at}basis.spotDown`),
      addFactor: required(basis.addFactor, `${at}basis.addFactor`),
      multFactor: required(basis.multFactor, `${at}basis.multFactor`),
    },
    volShock: {
      rangeUp: required(volShock.rangeUp, `${at}volShock.rangeUp`),
      rangeDown: required(volShock.rangeDown, `${at}volShock.rangeDown`),
      shortTermPower: required(volShock.shortTermPower, `${at}volShock.shortTermPower`),
      longTermPower: required(volShock.longTermPower, `${at}volShock.longTermPower`),
      dteFloorSeconds,
      minVolUp: volShock.minVolUp ?? 0,
    },
    skew,
    staticDiscount: {
      long: staticDiscountSide(sd.long, `${at}staticDiscount.long`),
      short: staticDiscountSide(sd.short, `${at}staticDiscount.short`),
    },
    contingency: {
      mm: contingencyLevel(cont.mm, `${at}contingency.mm`),
      im: contingencyLevel(cont.im, `${at}contingency.im`),
    },
  };
}

/** Resolves a pmrm-2 parameter object (spec section 9.1); `discountOptionValues` defaults to true. */
export function resolvePmrm2Params(input: ParamsInput): Pmrm2Params {
  return {
    model: 'pmrm-2',
    ...resolvePmrm2Market(input, ''),
    ...resolveShared(input, true),
    assets: resolveAssets(input, (a, path) => {
      if ((a.mmHaircut ?? 0) + (a.imHaircut ?? 0) > 1) {
        throw invalid(`${path}.imHaircut`, 'mmHaircut + imHaircut must be <= 1');
      }
      if (a.riskCancelling === true && a.underlying === undefined) {
        throw invalid(`${path}.riskCancelling`, 'a risk-cancelling asset needs an underlying');
      }
    }),
    underlyings: resolveUnderlyings(input, resolvePmrm2Market),
  };
}
