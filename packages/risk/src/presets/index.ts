import type { ParamsInput } from '../types.js';
import { deribitLike } from './deribit-like.js';
import { pmrm2Mainnet } from './pmrm-2-mainnet.js';
import { pmrmV1Mainnet } from './pmrm-v1-mainnet.js';

/** Named parameter presets, selectable in a document with `{ "preset": name, "overrides": {...} }`. */
export const presets: Readonly<Record<string, ParamsInput>> = Object.freeze({
  'pmrm-v1-mainnet': pmrmV1Mainnet,
  'deribit-like': deribitLike,
  'pmrm-2-mainnet': pmrm2Mainnet,
});
