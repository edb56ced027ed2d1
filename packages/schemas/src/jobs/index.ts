export {
  type IndexChainPayload,
  indexChainPayload,
  type ReverifyExpiringPayload,
  reverifyExpiringPayload,
} from './payloads.js';
