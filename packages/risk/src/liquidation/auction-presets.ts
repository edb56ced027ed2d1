import type { AuctionParams } from './types.js';

/** The auction parameter presets of spec section 2; `derive-mainnet` is the default. */
export const auctionPresets: Readonly<Record<string, Readonly<AuctionParams>>> = Object.freeze({
  'derive-mainnet': Object.freeze({
    startPercent: 0.95,
    cutoffPercent: 0.7,
    fastSeconds: 900,
    slowSeconds: 43200,
    insolventSeconds: 3600,
    feePercent: 0.1,
    bufferPercent: 0.15,
    mtmCutoff: 0,
  }),
  'derive-test': Object.freeze({
    startPercent: 1,
    cutoffPercent: 0.8,
    fastSeconds: 600,
    slowSeconds: 7200,
    insolventSeconds: 600,
    feePercent: 0,
    bufferPercent: 0.1,
    mtmCutoff: 0,
  }),
  'pmrm-test': Object.freeze({
    startPercent: 0.98,
    cutoffPercent: 0.8,
    fastSeconds: 100,
    slowSeconds: 14400,
    insolventSeconds: 600,
    feePercent: 0.02,
    bufferPercent: 0.2,
    mtmCutoff: 0,
  }),
});

export const DEFAULT_AUCTION_PRESET = 'derive-mainnet';
