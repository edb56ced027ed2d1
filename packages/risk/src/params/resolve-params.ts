import { AppError } from '@xmargin/errors';
import { presets } from '../presets/index.js';
import type {
  ParamsInput,
  ParamsSpec,
  Pmrm1MarketParams,
  ResolvedParams,
  RiskParams,
  UnderlyingParamsInput,
} from '../types.js';
import { cachedParams } from './params-cache.js';
import {
  deepMerge,
  forbidden,
  invalid,
  required,
  resolveAssets,
  resolveShared,
  resolveUnderlyings,
} from './resolve-helpers.js';
import { resolvePmrm2Params } from './resolve-pmrm2-params.js';

/** The parameter object a spec denotes: the named preset with its overrides merged, or the object. */
function inputOf(spec: ParamsSpec): ParamsInput {
  if (!('preset' in spec && typeof spec.preset === 'string')) return spec as ParamsInput;
  const preset = presets[spec.preset];
  if (!preset) {
    throw new AppError('RISK__UNKNOWN_PRESET', {
      context: { preset: spec.preset, known: Object.keys(presets) },
    });
  }
  // A preset fixes the model; overrides are checked against it by the model's resolver.
  if (spec.overrides?.model !== undefined) throw invalid('overrides.model', 'a preset fixes the model');
  return deepMerge(preset, spec.overrides ?? {});
}

/** The per-market fields under PMRM v1; `at` prefixes error paths (`underlyings.ETH.`). */
function resolvePmrm1Market(input: UnderlyingParamsInput, at: string): Pmrm1MarketParams {
  const volShock = required(input.volShock, `${at}volShock`);
  const basis = required(input.basis, `${at}basis`);
  const sd = required(input.staticDiscount, `${at}staticDiscount`);
  const cont = required(input.contingency, `${at}contingency`);
  const scenarios = required(input.scenarios, `${at}scenarios`);
  if (scenarios.length === 0) throw invalid(`${at}scenarios`, 'empty');
  forbidden(input.skew, `${at}skew`, 'pmrm-1');
  forbidden(sd.long, `${at}staticDiscount.long`, 'pmrm-1');
  forbidden(sd.short, `${at}staticDiscount.short`, 'pmrm-1');
  forbidden(cont.mm, `${at}contingency.mm`, 'pmrm-1');
  forbidden(cont.im, `${at}contingency.im`, 'pmrm-1');
  return {
    scenarios: scenarios.map((s, i) => {
      if (s.vol !== 'up' && s.vol !== 'none' && s.vol !== 'down') {
        throw invalid(`${at}scenarios.${i}.vol`, `"${s.vol}" scenarios need model "pmrm-2"`);
      }
      return { spotShock: s.spotShock, vol: s.vol, weight: s.weight ?? 1 };
    }),
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
      dteFloorSeconds: required(volShock.dteFloorSeconds, `${at}volShock.dteFloorSeconds`),
      minVolUp: volShock.minVolUp ?? 0,
    },
    staticDiscount: {
      base: required(sd.base, `${at}staticDiscount.base`),
      rateMultScale: required(sd.rateMultScale, `${at}staticDiscount.rateMultScale`),
      rateAddScale: required(sd.rateAddScale, `${at}staticDiscount.rateAddScale`),
    },
    contingency: {
      basePercent: required(cont.basePercent, `${at}contingency.basePercent`),
      perpPercent: required(cont.perpPercent, `${at}contingency.perpPercent`),
      optionPercent: required(cont.optionPercent, `${at}contingency.optionPercent`),
    },
  };
}

function resolvePmrm1(input: ParamsInput): RiskParams {
  return {
    model: 'pmrm-1',
    ...resolvePmrm1Market(input, ''),
    ...resolveShared(input, false),
    assets: resolveAssets(input, (a, path) =>
      forbidden(a.riskCancelling, `${path}.riskCancelling`, 'pmrm-1'),
    ),
    underlyings: resolveUnderlyings(input, resolvePmrm1Market),
  };
}

/**
 * Resolves a document's `params` (a preset name with overrides, or a full parameter object) into the
 * complete parameter set of the model it selects (`model`, default `"pmrm-1"`). Optional fields
 * default to: weight 1, minVolUp 0, mmFactor 1, discountOptionValues false (true under pmrm-2), no
 * collateral age limit, no assets, Deribit-style cross ratios. Fields of the other model's shape are
 * RISK__INVALID_INPUT. Memoised (see `params-cache.ts`): the result is frozen and shared by every equal
 * `spec`.
 */
export function resolveParams(spec: ParamsSpec): ResolvedParams {
  return cachedParams(spec, resolveUncached);
}

function resolveUncached(spec: ParamsSpec): ResolvedParams {
  const input = inputOf(spec);
  return input.model === 'pmrm-2' ? resolvePmrm2Params(input) : resolvePmrm1(input);
}

/** {@link resolveParams} for the PMRM v1 code paths: a pmrm-2 parameter set is refused. */
export function resolvePmrm1Params(spec: ParamsSpec): RiskParams {
  const params = resolveParams(spec);
  if (params.model !== 'pmrm-1') throw invalid('model', `expected "pmrm-1", got "${params.model}"`);
  return params;
}

/** The per-market parameters of `underlying`: its overrides when it has any, else the document's. */
export function marketParamsOf<P extends ResolvedParams>(
  params: P,
  underlying: string,
): P['underlyings'][string] {
  return (params.underlyings[underlying] ?? params) as P['underlyings'][string];
}
