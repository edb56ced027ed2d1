import type { ParamsInput } from '../types.js';
import { deribitLike } from './deribit-like.js';
import { pmrmV1Mainnet } from './pmrm-v1-mainnet.js';

/** Named parameter presets, selectable in a document with `{ "preset": name, "overrides": {...} }`. */
export const presets: Readonly<Record<string, ParamsInput>> = Object.freeze({
  'pmrm-v1-mainnet': pmrmV1Mainnet,
  'deribit-like': deribitLike,
});
