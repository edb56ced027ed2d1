import { checkMonotonicHeight } from '../freshness.js';
import { type VerifiedVaa, type VerifyVaaOptions, verifyVaa } from '../vaa/verify-vaa.js';
import { type CollateralMessage, decodeCollateralMessage } from './collateral-message.js';

export interface VerifyCollateralVaaOptions extends VerifyVaaOptions {
  /** Source height of the last applied message for the same (chain, account, token); older rejects. */
  readonly lastAppliedHeight?: bigint | null;
}

export interface VerifiedCollateralVaa {
  readonly vaa: VerifiedVaa;
  readonly message: CollateralMessage;
  /** `chain:account:token`, the key block heights are monotonic per. */
  readonly heightKey: string;
}

/**
 * `verifyVaa` for vault messages (kind "collateral" unless given), then the decoded message and the
 * monotonic source-height check against the last applied height (spec section 1, step 8).
 */
export function verifyCollateralVaa(
  bytes: Uint8Array,
  opts: VerifyCollateralVaaOptions,
): VerifiedCollateralVaa {
  const vaa = verifyVaa(bytes, { ...opts, kind: opts.kind ?? 'collateral' });
  const message = decodeCollateralMessage(vaa.payload);
  const heightKey = `${vaa.emitterChain}:${message.account}:${message.token}`;
  checkMonotonicHeight({ key: heightKey, height: message.sourceHeight, lastApplied: opts.lastAppliedHeight });
  return { vaa, message, heightKey };
}
