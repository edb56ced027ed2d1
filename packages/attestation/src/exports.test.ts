import { expect, it } from 'vitest';
import * as api from './index.js';
import * as testing from './testing/index.js';

it('exports exactly the documented names', () => {
  expect(Object.keys(api).sort()).toEqual([
    'COLLATERAL_MESSAGE_SIZE',
    'COLLATERAL_PAYLOAD_LITERAL',
    'COLLATERAL_SCHEMA_VERSION',
    'DEFAULT_PREVIOUS_SET_TTL_SECONDS',
    'GOVERNANCE_EMITTER',
    'PYTHNET_EMITTER',
    'XMARGIN_PROTOCOL',
    'applyGuardianSetUpgrade',
    'assertEmitterAllowed',
    'assertFinal',
    'bootstrapTrustStore',
    'checkFreshness',
    'checkMonotonicHeight',
    'collateralMessageLayout',
    'createDigestCache',
    'createRecoverer',
    'createTrustStore',
    'decodeBinaryInput',
    'decodeCollateralMessage',
    'decodeGuardianSetUpgrade',
    'deserializeCollateralVaa',
    'deserializeVaa',
    'encodeCollateralMessage',
    'isFinalConsistencyLevel',
    'quorum',
    'recoverAddress',
    'secp256k1Backend',
    'toHex',
    'trustStoreFromJson',
    'trustStoreToJson',
    'usableGuardianSet',
    'verifyVaa',
  ]);
});

it('keeps test signers on the testing subpath only', () => {
  expect(Object.keys(testing).sort()).toEqual([
    'addressOfPrivateKey',
    'devnetGuardianAddresses',
    'devnetGuardianKeys',
    'devnetTrustStore',
    'serializeVaaBody',
    'signDigest',
    'signQueryResponse',
    'signVaa',
  ]);
});
