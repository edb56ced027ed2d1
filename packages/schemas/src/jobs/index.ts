export {
  type IndexChainPayload,
  indexChainPayload,
  type MarketMovePayload,
  marketMovePayload,
  type RecomputeAccountPayload,
  type RecomputeReason,
  type ReverifyExpiringPayload,
  recomputeAccountPayload,
  recomputeReason,
  reverifyExpiringPayload,
} from './payloads.js';
