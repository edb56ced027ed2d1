import { deserializePayload } from '@wormhole-foundation/sdk-definitions';
import { AppError } from '@xmargin/errors';
import { classifyLayoutError } from '../internal/layout.js';

export interface GuardianSetUpgrade {
  readonly newIndex: number;
  readonly keys: readonly string[];
}

/**
 * Decodes a core governance GuardianSetUpgrade payload ("Core" module, action 2) with the SDK's own
 * governance layout. Only the universal target (chain 0) is accepted: a guardian set is global.
 */
export function decodeGuardianSetUpgrade(payload: Uint8Array, position = 0): GuardianSetUpgrade {
  let decoded: ReturnType<typeof deserializePayload<'WormholeCore:GuardianSetUpgrade'>>;
  try {
    decoded = deserializePayload('WormholeCore:GuardianSetUpgrade', payload);
  } catch (cause) {
    throw classifyLayoutError(
      cause,
      payload,
      'guardian set upgrade',
      (reason) =>
        new AppError('ATTESTATION__UPGRADE_INVALID', {
          shortMessage: `Not a core GuardianSetUpgrade: ${reason}`,
          context: { reason: `not a core GuardianSetUpgrade: ${reason}`, position },
          cause,
        }),
    );
  }
  if (decoded.chain !== null) {
    throw new AppError('ATTESTATION__UPGRADE_INVALID', {
      shortMessage: `GuardianSetUpgrade targets chain ${decoded.chain}, not all chains`,
      context: { reason: 'upgrade is not universal (chain != 0)', position },
    });
  }
  return { newIndex: decoded.actionArgs.guardianSet, keys: decoded.actionArgs.guardians };
}
