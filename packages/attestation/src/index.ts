export {
  type BoundQueryResult,
  bindQueryResponse,
  type EvmBalanceResult,
  type ExpectedEvmBalanceQuery,
  type ExpectedQuery,
  type ExpectedSplBalanceQuery,
  SPL_TOKEN_PROGRAM,
  type SplBalanceResult,
  TOKEN_2022_PROGRAM,
} from './ccq/bind-query.js';
export { parseQueryResponse } from './ccq/parse-query-response.js';
export { QUERY_RESPONSE_PREFIX, queryResponseDigest } from './ccq/query-signatures.js';
export {
  type VerifiedQueryResponse,
  type VerifyQueryResponseParameters,
  verifyQueryResponse,
} from './ccq/verify-query-response.js';
export {
  COLLATERAL_MESSAGE_SIZE,
  COLLATERAL_SCHEMA_VERSION,
  type CollateralMessage,
  type CollateralMessageKind,
  collateralMessageLayout,
  decodeCollateralMessage,
  encodeCollateralMessage,
} from './collateral/collateral-message.js';
export {
  COLLATERAL_PAYLOAD_LITERAL,
  deserializeCollateralVaa,
  XMARGIN_PROTOCOL,
} from './collateral/register-payload.js';
export {
  type VerifiedCollateralVaa,
  type VerifyCollateralVaaOptions,
  verifyCollateralVaa,
} from './collateral/verify-collateral-vaa.js';
export {
  type CheckFreshnessParameters,
  type CheckMonotonicHeightParameters,
  checkFreshness,
  checkMonotonicHeight,
} from './freshness.js';
export { decodeBinaryInput, type Hex, toHex } from './internal/bytes.js';
export {
  type AccumulatorUpdate,
  accumulatorUpdateLayout,
  type MerkleRootPayload,
  merkleRootPayloadLayout,
  type PriceMessage,
  priceMessageLayout,
} from './pyth/layouts.js';
export { merkleLeaf, merkleNode, merkleRootFromProof } from './pyth/merkle.js';
export {
  type VerifiedPythUpdate,
  type VerifyPythUpdateParameters,
  verifyPythUpdate,
} from './pyth/verify-pyth-update.js';
export {
  createRecoverer,
  type RecoverAddress,
  recoverAddress,
  type Secp256k1Backend,
  secp256k1Backend,
} from './secp256k1/recover.js';
export {
  applyGuardianSetUpgrade,
  type BootstrapTrustStoreParameters,
  bootstrapTrustStore,
  DEFAULT_PREVIOUS_SET_TTL_SECONDS,
} from './trust-store/bootstrap-trust-store.js';
export { decodeGuardianSetUpgrade, type GuardianSetUpgrade } from './trust-store/guardian-set-upgrade.js';
export {
  createTrustStore,
  type GuardianSet,
  quorum,
  type TrustStore,
  type TrustStoreJson,
  trustStoreFromJson,
  trustStoreToJson,
  usableGuardianSet,
  type WormholeNetwork,
} from './trust-store/trust-store.js';
export { decodeKnownPayload, type KnownPayload } from './vaa/decode-known-payload.js';
export { deserializeVaa, type ParsedVaa, type VaaSignature } from './vaa/deserialize-vaa.js';
export { createDigestCache, type DigestCache } from './vaa/digest-cache.js';
export {
  assertEmitterAllowed,
  type Emitter,
  type EmitterAllowList,
  GOVERNANCE_EMITTER,
  PYTHNET_EMITTER,
} from './vaa/emitters.js';
export { assertFinal, isFinalConsistencyLevel } from './vaa/finality.js';
export { type VerifiedVaa, type VerifyVaaOptions, verifyVaa } from './vaa/verify-vaa.js';
