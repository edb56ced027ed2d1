import type { ParamsSpec } from '@xmargin/risk';

/** Parameters used while no version has been activated: the spec's mainnet preset. */
export const DEFAULT_PARAMS: ParamsSpec = { preset: 'pmrm-v1-mainnet' };
