import { blindDeserializePayload } from '@wormhole-foundation/sdk-definitions';
import { decodeCollateralMessage } from '../collateral/collateral-message.js';
import { COLLATERAL_PAYLOAD_LITERAL } from '../collateral/register-payload.js';
import { decodeLayout } from '../internal/layout.js';
import { merkleRootPayloadLayout } from '../pyth/layouts.js';
import { decodeGuardianSetUpgrade } from '../trust-store/guardian-set-upgrade.js';

export interface KnownPayload {
  /** Payload literal, e.g. `XMargin:CollateralMessage`, `WormholeCore:GuardianSetUpgrade`. */
  readonly layout: string;
  readonly value: unknown;
}

const ours: readonly (readonly [string, (p: Uint8Array) => unknown])[] = [
  [COLLATERAL_PAYLOAD_LITERAL, decodeCollateralMessage],
  ['WormholeCore:GuardianSetUpgrade', decodeGuardianSetUpgrade],
  ['Pyth:MerkleRoot', (p) => decodeLayout(merkleRootPayloadLayout, p, 'Pyth Merkle root payload')],
];

/**
 * Names and decodes a payload for display (`xmargin vaa verify`): our layouts first (exact decodes), then
 * any layout registered with the Wormhole SDK. Returns null when none fits. Display only: verification
 * decodes the layout of the expected kind, never a guessed one.
 */
export function decodeKnownPayload(payload: Uint8Array): KnownPayload | null {
  for (const [layout, decode] of ours) {
    try {
      return { layout, value: decode(payload) };
    } catch {
      // not this layout
    }
  }
  try {
    const [candidate] = blindDeserializePayload(payload);
    if (candidate) return { layout: candidate[0], value: candidate[1] };
  } catch {
    // no SDK layout matches either
  }
  return null;
}
