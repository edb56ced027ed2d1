import { AppError } from '@xmargin/errors';
import { decodeCollateralMessage } from '../collateral/collateral-message.js';
import { decodeLayout } from '../internal/layout.js';
import { merkleRootPayloadLayout } from '../pyth/layouts.js';
import { decodeGuardianSetUpgrade } from '../trust-store/guardian-set-upgrade.js';

/** Message kinds whose payload layout we know: `verifyVaa` decodes them exactly (spec step 8). */
export const payloadDecoders: Readonly<Record<string, (payload: Uint8Array) => unknown>> = {
  collateral: decodeCollateralMessage,
  governance: (payload) => decodeGuardianSetUpgrade(payload),
  pyth: (payload) =>
    decodeLayout(
      merkleRootPayloadLayout,
      payload,
      'Pyth Merkle root payload',
      (reason) =>
        new AppError('ATTESTATION__PAYLOAD_INVALID', {
          shortMessage: `Pyth Merkle root payload is invalid: ${reason}`,
          context: { layout: 'Pyth:MerkleRoot', reason },
        }),
    ),
};
