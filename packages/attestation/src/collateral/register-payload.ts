import {
  deserialize,
  type ProtocolName,
  payloadFactory,
  registerPayloadTypes,
  type VAA,
} from '@wormhole-foundation/sdk-definitions';
import { type CollateralMessage, collateralMessageLayout } from './collateral-message.js';

/** Our protocol name in the SDK's payload registry, and the literal `deserialize` knows our payload by. */
export const XMARGIN_PROTOCOL = 'XMargin';
export const COLLATERAL_PAYLOAD_LITERAL = 'XMargin:CollateralMessage';

// The SDK's registry is typed by module augmentation of its protocol map, which would pull a protocol
// interface we do not implement; the runtime registry is a plain Map keyed by the literal, so we register
// there (once: vitest and tsx may evaluate this module more than once in one process).
if (!payloadFactory.has(COLLATERAL_PAYLOAD_LITERAL as never)) {
  registerPayloadTypes(XMARGIN_PROTOCOL as ProtocolName, [['CollateralMessage', collateralMessageLayout]]);
}

/**
 * Parses a VAA whose payload is a collateral message with the SDK's own `deserialize`, naming our
 * registered layout. Parsing only: verification is `verifyVaa`'s.
 */
export function deserializeCollateralVaa(
  bytes: Uint8Array,
): Omit<VAA<'Uint8Array'>, 'payload'> & { payload: CollateralMessage & { schemaVersion: number } } {
  return deserialize(COLLATERAL_PAYLOAD_LITERAL as never, bytes) as never;
}
