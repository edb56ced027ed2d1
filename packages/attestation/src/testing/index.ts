export {
  type BuildGuardianSetUpgradeParameters,
  buildGuardianSetUpgradeVaa,
} from './build-guardian-set-upgrade.js';
export { type BuildPythUpdateParameters, buildMerkleTree, buildPythUpdate } from './build-pyth-update.js';
export {
  buildEvmBalanceQueryResponse,
  buildSplBalanceQueryResponse,
  type EvmBalanceResponseParameters,
  type SplBalanceResponseParameters,
} from './build-query-response.js';
export {
  addressOfPrivateKey,
  devnetGuardianAddresses,
  devnetGuardianKeys,
  devnetTrustStore,
} from './devnet-keys.js';
export { type RawSignature, signDigest } from './sign.js';
export { signQueryResponse } from './sign-query-response.js';
export { type SignVaaParameters, serializeVaaBody, signVaa, type VaaBodyFields } from './sign-vaa.js';
