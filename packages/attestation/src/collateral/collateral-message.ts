import { AppError } from '@xmargin/errors';
import { type CustomConversion, type DeriveType, enumItem, type Layout, serialize } from 'binary-layout';
import { fromHex, type Hex, toHex } from '../internal/bytes.js';
import { decodeLayout, decodeLayoutPrefix } from '../internal/layout.js';

/** The schema version this build reads and writes. */
export const COLLATERAL_SCHEMA_VERSION = 1;

/** ASCII "XMCL": lets a payload discriminator tell our messages from every other Wormhole payload. */
const magic = new Uint8Array([0x58, 0x4d, 0x43, 0x4c]);

const bytes32Hex = {
  to: (encoded: Uint8Array): Hex => toHex(encoded),
  from: (decoded: Hex): Uint8Array => fromHex(decoded, 'bytes32'),
} as const satisfies CustomConversion<Uint8Array, Hex>;

const header = [
  { name: 'magic', binary: 'bytes', custom: magic, omit: true },
  { name: 'schemaVersion', binary: 'uint', size: 1 },
] as const satisfies Layout;

/**
 * The payload our vault contracts publish through the Wormhole core bridge (contracts.md section 1):
 * `abi.encodePacked("XMCL", uint8(1), uint8(kind), bytes32 account, bytes32 token, uint256 amount,
 * uint256 balance, uint64 sourceHeight, uint64 vaultNonce)`, 150 bytes, big-endian. Declared once; the
 * TypeScript type and the codec both derive from this declaration.
 */
export const collateralMessageLayout = [
  ...header,
  {
    name: 'kind',
    ...enumItem([
      ['deposit', 1],
      ['withdraw', 2],
      ['snapshot', 3],
    ]),
  },
  { name: 'account', binary: 'bytes', size: 32, custom: bytes32Hex },
  { name: 'token', binary: 'bytes', size: 32, custom: bytes32Hex },
  { name: 'amount', binary: 'uint', size: 32 },
  { name: 'balance', binary: 'uint', size: 32 },
  { name: 'sourceHeight', binary: 'uint', size: 8 },
  { name: 'vaultNonce', binary: 'uint', size: 8 },
] as const satisfies Layout;

export const COLLATERAL_MESSAGE_SIZE = 150;

type CollateralMessageWire = DeriveType<typeof collateralMessageLayout>;

/** A decoded collateral message (schema version 1; the version itself is checked, not carried). */
export type CollateralMessage = Omit<CollateralMessageWire, 'schemaVersion'>;
export type CollateralMessageKind = CollateralMessage['kind'];

export function encodeCollateralMessage(msg: CollateralMessage): Uint8Array {
  try {
    return serialize(collateralMessageLayout, { ...msg, schemaVersion: COLLATERAL_SCHEMA_VERSION });
  } catch (cause) {
    throw new AppError('ATTESTATION__PAYLOAD_INVALID', {
      shortMessage: 'Collateral message cannot be encoded',
      details: cause instanceof Error ? cause.message : String(cause),
      context: { layout: 'XMargin:CollateralMessage', reason: 'encode failed' },
      cause,
    });
  }
}

/** Exact-length decode: magic, then schema version, then the fields; extra or missing bytes reject. */
export function decodeCollateralMessage(bytes: Uint8Array): CollateralMessage {
  const invalid = (reason: string) =>
    new AppError('ATTESTATION__PAYLOAD_INVALID', {
      shortMessage: `Collateral message is invalid: ${reason}`,
      context: { layout: 'XMargin:CollateralMessage', reason },
    });
  const [{ schemaVersion }] = decodeLayoutPrefix(header, bytes, 'collateral message', invalid);
  if (schemaVersion !== COLLATERAL_SCHEMA_VERSION) {
    throw new AppError('ATTESTATION__UNSUPPORTED_SCHEMA_VERSION', {
      shortMessage: `Collateral message schema version ${schemaVersion} is not supported`,
      context: { layout: 'XMargin:CollateralMessage', schemaVersion },
    });
  }
  const { schemaVersion: _, ...msg } = decodeLayout(
    collateralMessageLayout,
    bytes,
    'collateral message',
    invalid,
  );
  return msg;
}
